package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lexical scan that keeps dashboards and rules inside the metric contract. */
class PromqlNamesTest {
    @Test
    void findsSeriesNotFunctionsLabelsOrKeywords() {
        assertEquals(Set.of("ioguard_disk_service_duration_seconds", "ioguard_disk_service_duration_seconds_bucket"),
                PromqlNames.seriesNames("histogram_quantile(0.99, sum by (system_device) (rate(ioguard_disk_service_duration_seconds"
                        + "{instance=~\"$node\"}[$__rate_interval]))) or histogram_quantile(0.99, sum by (system_device, le)"
                        + " (rate(ioguard_disk_service_duration_seconds_bucket{instance=~\"$node\"}[$__rate_interval])))"));
    }

    @Test
    void handlesSetOperatorsOffsetsStringsAndRecordingRules() {
        assertEquals(Set.of("a_total", "b:rec:p99", "up"), PromqlNames.seriesNames(
                "label_replace(a_total > 0 unless a_total offset 10m, \"x\", \"y or z\", \"\", \"\")"
                        + " and on (job, instance) b:rec:p99 > 4 * avg_over_time(b:rec:p99[1d] offset 1h) or vector(0) or up == bool 1e3"));
    }

    @Test
    void aNameOutsideTheContractIsFound() {
        assertEquals(Set.of("node_filesystem_readonly"), PromqlNames.seriesNames("count(node_filesystem_readonly == 1)"));
    }

    @Test
    void findsGrafanaVariablesInEveryForm() {
        assertEquals(Set.of("node", "device", "__rate_interval", "x"),
                PromqlNames.variables("a{i=~\"$node\",d=~\"${device:regex}\"}[$__rate_interval] [[x]]"));
    }
}
