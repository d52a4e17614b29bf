package io.sfstream.camel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sfstream.emulator.SalesforceEmulator;

/**
 * Starts a main class of the test classpath in a JVM of its own, for the tests whose claims need a real process:
 * kill -9, SIGSTOP, file locks between processes. Small heap and quick start, output and errors to one log file, no
 * input.
 */
final class ChildJvm {

    /** The children started so far whose output may still need a check for secrets. */
    private static final List<ChildLog> LOGS = new CopyOnWriteArrayList<>();

    private ChildJvm() {
    }

    /** One child's log file and how much of it has been checked for secrets. */
    private static final class ChildLog {
        final Process process;
        final Path file;
        long checked;

        ChildLog(Process process, Path file) {
            this.process = process;
            this.file = file;
        }
    }

    /**
     * Writes a log4j2 configuration for children into {@code dir}: console output with millisecond timestamps, WARN
     * by default, and the given logger levels.
     */
    static Path writeLogConfig(Path dir, Map<String, String> levels) throws IOException {
        StringBuilder loggers = new StringBuilder();
        levels.forEach((name, level) -> loggers.append("    <Logger name=\"").append(name).append("\" level=\"")
                .append(level).append("\"/>\n"));
        Path file = dir.resolve("log4j2-child.xml");
        Files.writeString(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <Console name="console" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                """ + loggers + """
                    <Root level="WARN">
                      <AppenderRef ref="console"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """);
        return file;
    }

    /**
     * @param logConfig a file from {@link #writeLogConfig}, or null for the test classpath's own configuration
     * @param log       where the child's output and errors go
     */
    static Process start(Class<?> main, String maxHeap, Path logConfig, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (logConfig != null) {
            command.add("-Dlog4j2.configurationFile=" + logConfig);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        LOGS.add(new ChildLog(process, log));
        return process;
    }

    /**
     * Fails when the output of a child JVM started by {@link #start} shows a secret, one of the emulator's issued access
     * or refresh tokens, or a string shaped like an access token. Call it at the end of a test that starts children
     * (after they exited, so their last lines are in): {@code ChildJvm.assertNoSecretsInLogs(emulator);}.
     * {@link SecretLeakCheck} does the same after every test, as a safety net.
     */
    static void assertNoSecretsInLogs(SalesforceEmulator emulator) {
        SecretLeakAppender.registerLate("the emulator's issued tokens", emulator.issuedTokens());
        int before = SecretLeakAppender.leakCount();
        checkLogsForSecrets();
        List<String> leaks = SecretLeakAppender.leaks();
        if (leaks.size() > before) {
            throw new AssertionError("Secrets or access tokens in the output of child JVMs: "
                                     + leaks.subList(before, leaks.size()));
        }
    }

    /**
     * Checks what the children started by {@link #start} wrote since the last call (see {@link SecretLeakAppender});
     * forgets children that exited and were checked to the end.
     */
    static synchronized void checkLogsForSecrets() {
        for (ChildLog log : LOGS) {
            boolean exited = !log.process.isAlive();
            try {
                byte[] bytes = Files.exists(log.file) ? Files.readAllBytes(log.file) : new byte[0];
                if (bytes.length > log.checked) {
                    // from the start of the line the last check ended in, so a secret is never cut in two
                    int from = (int) log.checked;
                    while (from > 0 && bytes[from - 1] != '\n') {
                        from--;
                    }
                    SecretLeakAppender.check("child JVM log " + log.file,
                            new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
                    log.checked = bytes.length;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot check " + log.file + " for secrets", e);
            }
            if (exited || !Files.exists(log.file)) {
                LOGS.remove(log);
            }
        }
    }
}
