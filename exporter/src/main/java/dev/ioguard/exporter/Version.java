package dev.ioguard.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the build wrote into the jar (version.properties). Stateless. */
public final class Version {
    private Version() {}

    /** The project version, or {@code unknown} when run outside a build. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
