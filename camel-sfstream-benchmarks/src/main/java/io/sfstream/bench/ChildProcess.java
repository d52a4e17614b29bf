package io.sfstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One JVM started by the orchestrator. Its stdout lines starting with {@code BENCH} are parsed into key=value maps;
 * everything it writes to stderr goes to a log file. {@link #stop()} closes its stdin, which the child takes as the
 * signal to halt, so its /proc entries can be read just before.
 */
final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final long launchedEpochMillis;
    private final BlockingQueue<Map<String, String>> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private ChildProcess(Process process, long launchedEpochMillis, Path log) {
        this.process = process;
        this.launchedEpochMillis = launchedEpochMillis;
        this.log = log;
        Thread reader = new Thread(this::readLines, "child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(List<String> jvmOptions, String classpath, String mainClass, List<String> args, Path log)
        throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        java.nio.file.Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        // JVM start is measured from here: the instant before the OS creates the process
        long launched = System.currentTimeMillis();
        return new ChildProcess(builder.start(), launched, log);
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("BENCH ")) {
                    lines.add(parse(line));
                } else if (!line.isBlank()) {
                    // the emulator's banner and anything a library prints on stdout
                    lines.add(Map.of("type", "text", "text", line));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        lines.add(Map.of("type", "eof"));
    }

    private static Map<String, String> parse(String line) {
        String[] parts = line.split(" ");
        Map<String, String> values = new HashMap<>();
        values.put("type", parts[1]);
        for (int i = 2; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                values.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return values;
    }

    /** The next line of one of the types, or null on timeout or when the process ended. */
    Map<String, String> await(long timeoutMillis, String... types) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, String> line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null || "eof".equals(line.get("type"))) {
                return null;
            }
            for (String type : types) {
                if (type.equals(line.get("type"))) {
                    return line;
                }
            }
        }
    }

    /** A text line (not BENCH) containing {@code fragment}, or null. */
    String awaitText(long timeoutMillis, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, String> line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null || "eof".equals(line.get("type"))) {
                return null;
            }
            String text = line.get("text");
            if (text != null && text.contains(fragment)) {
                return text;
            }
        }
    }

    long launchedEpochMillis() {
        return launchedEpochMillis;
    }

    double cpuSeconds() {
        return ProcStats.cpuSeconds(process.toHandle());
    }

    double peakRssMb() {
        return ProcStats.peakRssMb(process.toHandle());
    }

    Path log() {
        return log;
    }

    /** Closes stdin (the child halts) and waits for the process to end; kills it if it does not. */
    void stop() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the process to end (SIGTERM: shutdown hooks run) and waits for it. */
    void terminate() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
