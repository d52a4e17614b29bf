package io.sfstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time and peak resident set of a live child process, read from /proc (Linux), with fallbacks. */
final class ProcStats {

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat, 100 on every Linux architecture Java runs on. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** User plus system CPU seconds of the whole process so far. */
    static double cpuSeconds(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // the command name may hold spaces: fields are counted after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L) / 1000.0;
        }
    }

    /** VmHWM (peak resident set) in MiB, -1 when unknown. */
    static double peakRssMb(ProcessHandle process) {
        return statusKb(process, "VmHWM:") / 1024.0;
    }

    private static long statusKb(ProcessHandle process, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1024;
    }
}
