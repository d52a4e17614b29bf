package io.sfstream.camel.internal.worker;

import io.sfstream.camel.ManualScheduler;
import io.sfstream.camel.WorkerStrategy;
import io.sfstream.camel.SubscriptionInUseException;
import io.sfstream.camel.replay.InMemoryReplayMarkerStore;
import io.sfstream.camel.replay.MapReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Taking a lease is news at INFO only where other workers can share the store; with the in-memory default (one
 * CamelContext) it is logged at DEBUG, so a route per channel does not print a lease line each.
 */
class LeaseLogLevelTest {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final AbstractAppender capture = new AbstractAppender("leaseCapture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            if (event.getLoggerName().equals(LeaseKeeper.class.getName())) {
                events.add(event.toImmutable());
            }
        }
    };
    private LoggerConfig loggerConfig;

    @BeforeEach
    void attach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        loggerConfig = context.getConfiguration().getLoggerConfig(LeaseKeeper.class.getName());
        capture.start();
        loggerConfig.addAppender(capture, Level.TRACE, null);
        context.updateLoggers();
    }

    @AfterEach
    void detach() {
        loggerConfig.removeAppender(capture.getName());
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
        capture.stop();
    }

    private List<Level> levelsOfHoldLines(ReplayMarkerStore store) {
        events.clear();
        LeaseKeeper keeper = new LeaseKeeper("/topic/Logged", "w1", WorkerStrategy.OPEN_IF_FREE, Duration.ofSeconds(30),
                store, Clock.systemUTC(), new ManualScheduler(), new LeaseKeeper.Listener() {
                    @Override
                    public void acquired(SubscriptionLease lease) {
                    }

                    @Override
                    public void lost(SubscriptionInUseException cause) {
                    }
                });
        assertThat(keeper.start()).isTrue();
        return events.stream().filter(e -> e.getMessage().getFormattedMessage().contains("holds subscription"))
                .map(LogEvent::getLevel).toList();
    }

    @Test
    void inMemoryStoreLogsTheLeaseAtDebug() {
        assertThat(new InMemoryReplayMarkerStore().isShared()).isFalse();

        assertThat(levelsOfHoldLines(new InMemoryReplayMarkerStore())).containsExactly(Level.DEBUG);
    }

    @Test
    void sharedStoreLogsTheLeaseAtInfo() {
        MapReplayMarkerStore grid = new MapReplayMarkerStore(new ConcurrentHashMap<>());
        assertThat(grid.isShared()).isTrue();

        assertThat(levelsOfHoldLines(grid)).containsExactly(Level.INFO);
    }
}
