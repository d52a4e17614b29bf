package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Soak in one process: publishes at a steady rate on two channels of one session for {@code sfstream.soak.minutes}
 * (default 10) while a random fault hits the emulator every 1 to 4 seconds, every option at its default, then asserts
 * every event arrived once and in order. Tagged soak: the default build skips it and runs {@link RandomFaultSoakIT}
 * (one channel, kill -9 too) for 150 s instead; see the README for both commands.
 */
@Tag("soak")
class SoakIT extends FaultTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);

    @Test
    void randomFaultsWhilePublishingLoseNothing() throws Exception {
        Duration length = Duration.ofSeconds(Math.round(
                Double.parseDouble(System.getProperty("sfstream.soak.minutes", "10")) * 60));
        long seed = Long.getLong("sfstream.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        LOG.info("Soak for {} with seed {}", length, seed);
        String[] channels = {"/topic/" + uniqueName("SoakTopic"), "/event/" + uniqueName("SoakEvent") + "__e"};
        for (int i = 0; i < channels.length; i++) {
            String channel = channels[i];
            String routeId = "soak" + i;
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // every option at its default but the start (the soak publishes before the first connect)
                    from("sfstream:" + channel + "?replay=ALL_EVENTS&exceptionHandler=#errors").routeId(routeId)
                            .to("mock:" + routeId);
                }
            });
            awaitSubscribed(channel);
        }
        List<List<Long>> published = List.of(Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()));
        SalesforceEmulator emulator = emulator();
        Counters before = emulator.counters();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        publisher.scheduleAtFixedRate(() -> {
            for (int i = 0; i < channels.length; i++) {
                published.get(i).addAll(emulator.publish(channels[i], 2, 100));
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        List<String> faults = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(1000 + random.nextInt(3000));
                faults.add(injectRandomFault(random, emulator));
            }
        } finally {
            publisher.shutdown();
            publisher.awaitTermination(10, TimeUnit.SECONDS);
            emulator.faults().reset();
        }
        for (int i = 0; i < channels.length; i++) {
            MockEndpoint mock = getMockEndpoint("mock:soak" + i);
            List<Long> expected = List.copyOf(published.get(i));
            await().atMost(120, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= expected.size());
            assertThat(replayIdsOf(mock)).as("events of %s (seed %d)", channels[i], seed).containsExactlyElementsOf(expected);
        }
        Counters after = emulator.counters();
        LOG.info("Soak done: {} faults {}, {} + {} events, {} logins, {} handshakes, {} errors reported", faults.size(),
                faults.stream().collect(java.util.stream.Collectors.groupingBy(f -> f, java.util.stream.Collectors.counting())),
                published.get(0).size(), published.get(1).size(), after.logins() - before.logins(),
                after.handshakes() - before.handshakes(), errors.errors.size());
        // no storm: at most a handful of handshakes per injected fault
        assertThat(after.handshakes() - before.handshakes()).isLessThanOrEqualTo(3L * faults.size() + 1);
        assertThat(consumer("soak0").getFatalError()).isNull();
    }

    private static String injectRandomFault(Random random, SalesforceEmulator emulator) {
        int fault = random.nextInt(11);
        switch (fault) {
            case 0 -> emulator.expireTokens();
            case 1 -> emulator.dropAllSessions();
            case 2 -> emulator.sendServerDisconnect();
            case 3 -> emulator.restart();
            case 4 -> emulator.faults().failNextRequests(1 + random.nextInt(4), 503);
            case 5 -> emulator.faults().htmlNextRequests(1 + random.nextInt(3));
            case 6 -> emulator.faults().failNextSubscribes(1 + random.nextInt(2), "503::Server is too busy");
            case 7 -> emulator.faults().stallNextRequests(1, Duration.ofMillis(500 + random.nextInt(1500)));
            case 9 -> emulator.faults().cutNextEventResponses(1);
            case 10 -> {
                emulator.beginOutage();
                try {
                    // the outage's length is the fault itself
                    Thread.sleep(1000 + random.nextInt(4000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    emulator.endOutage();
                }
                return "outage";
            }
            default -> {
                emulator.faults().failNextLogins(1, 500);
                emulator.expireTokens();
                return "expireTokens+failNextLogins";
            }
        }
        return List.of("expireTokens", "dropAllSessions", "sendServerDisconnect", "restart", "failNextRequests",
                "htmlNextRequests", "failNextSubscribes", "stallNextRequests", "", "cutNextEventResponses").get(fault);
    }
}
