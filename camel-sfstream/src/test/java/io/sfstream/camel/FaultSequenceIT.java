package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults one after another while events are published at 100/s, every option at its default: a 5 s outage (port
 * closed, connections cut, sessions kept), then three HTML 502 pages on the Bayeux endpoint, then expired tokens, 8 s
 * apart. After each fault the first event flows within one back-off step of the server being reachable again (at most
 * maxReconnectDelay, 10 s by default; a 401 is acted on at once), and in the end nothing is lost and nothing handed
 * twice.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultSequenceIT extends FaultTestSupport {

    private static final Duration FAULT_SPACING = Duration.ofSeconds(8);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /** One back-off step at the defaults (maxReconnectDelay 10s), plus a second for a loaded machine. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(11);
    /** A 401 needs no back-off: a new login at once. */
    private static final Duration LOGIN_RECOVERY_BOUND = Duration.ofSeconds(3);

    /** When each event reached the route (System.nanoTime()). */
    private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopPublishing;

    @AfterEach
    void clearFaults() {
        stopPublishing = true;
        emulator().faults().reset();
        emulator().endOutage();
    }

    @Test
    void eachFaultOfASequenceStallsDeliveryForAtMostOneBackOffStep() throws Exception {
        String channel = "/event/" + uniqueName("Sequence") + "__e";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // every option at its default; the exception handler only records what is reported
                from("sfstream:" + channel + "?exceptionHandler=#errors").routeId("r").process(e -> arrivals.add(System.nanoTime())).to("mock:r");
            }
        });
        awaitSubscribed(channel);

        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> publishFailure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                while (!stopPublishing) {
                    published.addAll(emulator().publish(channel, 1, 100));
                    // pacing the publisher at 100 events/s, not waiting for a condition
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                publishFailure.set(t);
            }
        }, "fault-sequence-publisher");
        publisher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.size() >= 100);

        // 1. a 5 s outage: held connects cut off, new connections refused, the Bayeux sessions kept
        emulator().beginOutage();
        // the outage's length is the fault itself: a duration, not a wait for a condition
        Thread.sleep(OUTAGE.toMillis());
        emulator().endOutage();
        long outageOver = System.nanoTime();
        Duration afterOutage = firstArrivalAfter(outageOver);
        spaceFaults(FAULT_SPACING.minus(afterOutage));

        // 2. three HTML 502 pages on the Bayeux endpoint
        long htmlInjected = System.nanoTime();
        emulator().faults().htmlNextRequests(3, 502);
        await().atMost(Duration.ofSeconds(20)).until(() -> errors.of(BayeuxTransportException.class).stream()
                .filter(e -> e.getMessage().contains("502")).count() >= 3);
        long htmlServed = System.nanoTime();
        Duration afterHtml = firstArrivalAfter(htmlServed);
        spaceFaults(FAULT_SPACING);

        // 3. expired tokens: the next request gets 401::Authentication invalid
        long loginsBefore = emulator().counters().logins();
        emulator().expireTokens();
        long expired = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> emulator().counters().logins() > loginsBefore);
        Duration afterExpiry = firstArrivalAfter(System.nanoTime());
        long expiryToEvent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - expired);

        stopPublishing = true;
        publisher.join(5_000);
        assertThat(publishFailure.get()).isNull();
        System.out.printf("FaultSequenceIT: published=%d; first event after the outage ended %d ms, after the third"
                          + " 502 %d ms (%d ms after injection), after the token expiry %d ms (%d ms from expiry)%n",
                published.size(), afterOutage.toMillis(), afterHtml.toMillis(),
                TimeUnit.NANOSECONDS.toMillis(htmlServed - htmlInjected) + afterHtml.toMillis(),
                afterExpiry.toMillis(), expiryToEvent);
        assertThat(afterOutage).as("stall after the outage ended").isLessThanOrEqualTo(RECOVERY_BOUND);
        assertThat(afterHtml).as("stall after the last 502 page").isLessThanOrEqualTo(RECOVERY_BOUND);
        assertThat(Duration.ofMillis(expiryToEvent)).as("stall after the tokens expired")
                .isLessThanOrEqualTo(LOGIN_RECOVERY_BOUND);
        assertReceivedExactly("r", List.copyOf(published));
        assertThat(Map.of("logins", emulator().counters().logins() - loginsBefore)).containsEntry("logins", 1L);
    }

    /** The faults come {@code FAULT_SPACING} apart, as users meet them: a pace, not a wait for a condition. */
    private static void spaceFaults(Duration pause) throws InterruptedException {
        if (!pause.isNegative()) {
            Thread.sleep(pause.toMillis());
        }
    }

    /** Waits for the first event that reaches the route after {@code since}, and returns how long after it came. */
    private Duration firstArrivalAfter(long since) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> lastArrival() > since);
        synchronized (arrivals) {
            for (long at : arrivals) {
                if (at > since) {
                    return Duration.ofNanos(at - since);
                }
            }
        }
        throw new AssertionError("no arrival after " + since);
    }

    private long lastArrival() {
        synchronized (arrivals) {
            return arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1);
        }
    }
}
