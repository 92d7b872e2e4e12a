package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Relative links in deploy/ and grafana-dashboards/ Markdown reach an existing file and section. */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void relativeLinksResolve() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path doc : List.of(ProjectRoot.resolve("deploy/README.md"), ProjectRoot.resolve("deploy/RUNBOOK.md"),
                ProjectRoot.resolve("deploy/IMAGE.md"),
                ProjectRoot.resolve("grafana-dashboards/README.md"))) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                links++;
                int hash = target.indexOf('#');
                Path file = hash == 0 ? doc : doc.getParent().resolve(hash < 0 ? target : target.substring(0, hash)).normalize();
                if (!Files.exists(file)) {
                    broken.add(doc.getFileName() + ": " + target + " (no such file)");
                } else if (hash >= 0 && !AlertRulesTest.markdownAnchors(file).contains(target.substring(hash + 1))) {
                    broken.add(doc.getFileName() + ": " + target + " (no such section)");
                }
            }
        }
        assertTrue(links > 5, "expected cross-links, found " + links);
        assertTrue(broken.isEmpty(), "broken links: " + broken);
    }
}
