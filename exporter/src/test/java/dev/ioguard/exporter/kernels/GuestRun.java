package dev.ioguard.exporter.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one kernel's guest reported (tests/kernels/lib/boot.sh writes it): results.log, each line
 * prefixed with the host's seconds since QEMU started, and boot.txt ({@code key=value}). Immutable.
 *
 * @param name       the kernel's name in kernels.list
 * @param boot       boot.txt: package, release, wall_seconds, qemu_exit, timed_out
 * @param initAt     host seconds from QEMU's start until the guest's /init ran
 * @param testsTook  seconds the guest spent running the tests
 * @param end        the guest's last word ({@code rc=0}, or {@code rc=125 reason=...}); empty when
 *                   it never got there (crash, time limit)
 */
record GuestRun(String name, Map<String, String> boot, Optional<Double> initAt, Optional<Double> testsTook,
        List<Outcome> tests, List<String> notes, Optional<String> end) {

    /** One test: PASS, FAIL or SKIP, with the failure's message and stack. */
    record Outcome(String status, String test, long millis, String message, List<String> trace) {
        boolean passed() {
            return status.equals("PASS");
        }
    }

    private static final Pattern LINE = Pattern.compile("^(\\d+(?:\\.\\d+)?) (\\S+) ?(.*)$");
    private static final Pattern TEST = Pattern.compile("^(PASS|FAIL|SKIP) (\\S+) (\\d+)ms(?:: (.*))?$");

    GuestRun {
        boot = Map.copyOf(boot);
        tests = List.copyOf(tests);
        notes = List.copyOf(notes);
    }

    static GuestRun read(String name, Path dir) throws IOException {
        Path results = dir.resolve("results.log");
        Path boot = dir.resolve("boot.txt");
        return parse(name, Files.exists(results) ? Files.readAllLines(results) : List.of(),
                Files.exists(boot) ? Files.readAllLines(boot) : List.of());
    }

    static GuestRun parse(String name, List<String> resultLines, List<String> bootLines) {
        Map<String, String> boot = new LinkedHashMap<>();
        for (String line : bootLines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                boot.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        Double initAt = null;
        Double startAt = null;
        Double testsTook = null;
        String end = null;
        List<Outcome> tests = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String line : resultLines) {
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            double at = Double.parseDouble(m.group(1));
            String rest = m.group(3);
            switch (m.group(2)) {
                case "init" -> initAt = at;
                case "start" -> startAt = at;
                case "done" -> testsTook = startAt == null ? null : at - startAt;
                case "end" -> end = rest;
                case "note" -> notes.add(rest);
                case "trace" -> {
                    if (!tests.isEmpty()) {
                        tests.getLast().trace().add(rest);
                    }
                }
                case "test" -> {
                    Matcher t = TEST.matcher(rest);
                    if (t.matches()) {
                        tests.add(new Outcome(t.group(1), t.group(2), Long.parseLong(t.group(3)),
                                t.group(4) == null ? "" : t.group(4), new ArrayList<>()));
                    }
                }
                default -> { }
            }
        }
        List<Outcome> frozen = tests.stream().map(o -> new Outcome(o.status(), o.test(), o.millis(),
                o.message(), List.copyOf(o.trace()))).toList();
        return new GuestRun(name, boot, Optional.ofNullable(initAt), Optional.ofNullable(testsTook), frozen,
                notes, Optional.ofNullable(end));
    }

    /** The guest ran its tests to the end and exited 0. */
    boolean completed() {
        return end.filter(e -> e.equals("rc=0")).isPresent();
    }

    /** One line for people: which kernel, how long, how many passed. */
    String summary() {
        long passed = tests.stream().filter(Outcome::passed).count();
        return String.format("%s %s: /init at %s s, tests %s s, wall %s s; %d passed, %d failed; end %s",
                name, boot.getOrDefault("release", "?"), initAt.map(v -> String.format("%.1f", v)).orElse("-"),
                testsTook.map(v -> String.format("%.0f", v)).orElse("-"), boot.getOrDefault("wall_seconds", "-"),
                passed, tests.size() - passed, end.orElse("never (see console.log)"));
    }
}
