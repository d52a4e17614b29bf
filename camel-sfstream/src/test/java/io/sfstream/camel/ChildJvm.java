package io.sfstream.camel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a main class of the test classpath in a JVM of its own, for the tests whose claims need a real process:
 * kill -9, SIGSTOP, file locks between processes. Small heap and quick start, output and errors to one log file, no
 * input.
 */
final class ChildJvm {

    private ChildJvm() {
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
        return builder.start();
    }
}
