package dev.ioguard.exporter.otlp;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One metric translated from a snapshot. The SDK's own {@code MetricData} implementation lives in
 * an internal package; the interface is public, and the data inside comes from the public
 * factories ({@code SumData.createLongSumData}, {@code ExponentialHistogramData.create}, ...).
 * Immutable.
 */
record SnapshotMetric(Resource resource, InstrumentationScopeInfo scope, String name,
        String description, String unit, MetricDataType type, Data<?> data) implements MetricData {
    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String getUnit() {
        return unit;
    }

    @Override
    public MetricDataType getType() {
        return type;
    }

    @Override
    public Data<?> getData() {
        return data;
    }
}
