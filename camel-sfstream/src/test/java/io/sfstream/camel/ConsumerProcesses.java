package io.sfstream.camel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Reading a {@link CrashTestApp} child from the test: its READY line, whether it still runs, and the durable output of
 * its route (one replayId a line, each written with its newline and forced before the exchange completes).
 */
final class ConsumerProcesses {

    private ConsumerProcesses() {
    }

    /** Waits for the child's READY (its route started) and returns when it was seen (System.nanoTime()). */
    static long awaitReady(Process process, Path log) {
        await("READY in " + log).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    assertAlive(process, log);
                    return Files.exists(log) && Files.readString(log).contains("READY");
                });
        return System.nanoTime();
    }
    static void assertAlive(Process process, Path log) throws IOException {
        if (!process.isAlive()) {
            fail("CrashTestApp exited with " + process.exitValue() + "; its log " + log + ":\n" + Files.readString(log));
        }
    }

    /** Complete lines in the output (a line is written with its newline in one write, then forced). */
    static int countLines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** The replayIds of the complete lines, in order; a line that is not a number fails. */
    static List<Long> readIds(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        List<Long> ids = new ArrayList<>();
        if (end < 0) {
            return ids;
        }
        for (String line : text.substring(0, end).split("\n", -1)) {
            try {
                ids.add(Long.parseLong(line));
            } catch (NumberFormatException e) {
                fail("Corrupt line in " + file + ": '" + line + "'");
            }
        }
        return ids;
    }
}
