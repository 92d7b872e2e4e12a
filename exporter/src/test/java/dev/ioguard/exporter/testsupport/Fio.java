package dev.ioguard.exporter.testsupport;

import java.util.ArrayList;
import java.util.List;

/** Runs fio against a device with direct IO, for a bounded time. Stateless. */
public final class Fio {
    private Fio() {}

    /**
     * fio with libaio and O_DIRECT on {@code target}.
     *
     * @param rw      fio's rw mode, e.g. randrw, randread, write
     * @param extra   further fio options, e.g. --size=16m
     */
    public static List<String> command(String target, String rw, String blockSize, int iodepth,
            int seconds, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=ioguard-test", "--filename=" + target,
                "--rw=" + rw, "--bs=" + blockSize, "--iodepth=" + iodepth, "--ioengine=libaio",
                "--direct=1", "--runtime=" + seconds, "--time_based", "--group_reporting",
                "--output-format=terse"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    public static void run(String target, String rw, String blockSize, int iodepth, int seconds,
            String... extra) {
        Command.run(command(target, rw, blockSize, iodepth, seconds, extra).toArray(String[]::new));
    }
}
