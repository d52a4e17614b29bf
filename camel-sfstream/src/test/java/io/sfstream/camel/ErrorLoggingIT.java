package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.BayeuxSession;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A refused login with three routes on one session, every option at its default (Camel's default exception handler):
 * the failure is logged once by the session at WARN, without a stack trace, and repeated at most once per
 * maxReconnectDelay; the consumers do not log it a second time.
 */
class ErrorLoggingIT extends EmulatorTestSupport {

    private final List<LogEvent> warnings = new CopyOnWriteArrayList<>();
    private AbstractAppender capture;

    @BeforeEach
    void captureWarnings() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = logging.getConfiguration();
        capture = new AbstractAppender("errorLoggingCapture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    warnings.add(event.toImmutable());
                }
            }
        };
        capture.start();
        configuration.getLoggerConfig("io.sfstream").addAppender(capture, Level.WARN, null);
        configuration.getRootLogger().addAppender(capture, Level.WARN, null);
        logging.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getLoggerConfig("io.sfstream").removeAppender(capture.getName());
        logging.getConfiguration().getRootLogger().removeAppender(capture.getName());
        logging.updateLoggers();
        capture.stop();
    }

    @Test
    void aRefusedLoginIsLoggedOncePerSessionAndAttemptWithoutStackTraces() throws Exception {
        context.getComponent("sfstream", SfStreamComponent.class).getConfiguration().setPassword("not-the-password");
        for (int i = 1; i <= 3; i++) {
            String channel = "/event/" + uniqueName("Noise") + "__e";
            String routeId = "noise" + i;
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sfstream:" + channel).routeId(routeId).to("mock:" + routeId);
                }
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> loginWarnings() >= 1);
        long first = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> loginWarnings() >= 2);
        Duration between = Duration.ofNanos(System.nanoTime() - first);

        assertThat(between).as("the WARN repeats at most once per maxReconnectDelay (10s)")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(warnings).as("only the session logs, once per attempt for its three channels")
                .allSatisfy(e -> assertThat(e.getLoggerName()).isEqualTo(BayeuxSession.class.getName()));
        assertThat(warnings).as("no stack traces above DEBUG").allSatisfy(e -> assertThat(e.getThrown()).isNull());
        assertThat(warnings.stream().map(e -> e.getMessage().getFormattedMessage()))
                .allSatisfy(m -> assertThat(m).doesNotContain("not-the-password"));
    }

    private long loginWarnings() {
        return warnings.stream().filter(e -> e.getMessage().getFormattedMessage().contains("logging in again")).count();
    }
}
