package io.sfstream.bench.child;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident set from /proc/self/status (Linux), -1 elsewhere. */
final class ProcSelf {

    private ProcSelf() {
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
