package io.sfstream.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The main job as the README runs it: stopped and run again, every route resumes right after the last event it
 * processed, nothing missed and nothing repeated.
 */
class MainJobResumeTest {

    private static final List<String> ROUTES = List.of("orders", "low-ink", "account-changes", "account-changes-pubsub");
    private static final List<String> STREAMING_ROUTES = List.of("orders", "low-ink", "account-changes");

    @TempDir
    Path dir;

    @Test
    void aSecondRunResumesAfterTheLastEventOfTheFirst() throws Exception {
        ReplayIdCollector first = runUntilEveryRouteHas(3);
        ReplayIdCollector second = runUntilEveryRouteHas(3);
        try (SalesforceEmulator log = SalesforceEmulator.builder().dataDirectory(dir.resolve("emulator")).build()) {
            for (String route : STREAMING_ROUTES) {
                String channel = switch (route) {
                    case "orders" -> ExampleRoutes.ORDERS_TOPIC;
                    case "low-ink" -> ExampleRoutes.LOW_INK_EVENT;
                    default -> ExampleRoutes.ACCOUNT_CHANGES;
                };
                List<Object> seen = new ArrayList<>(first.of(route));
                seen.addAll(second.of(route));
                assertThat(new HashSet<>(seen)).as("no event handed twice on %s", route).hasSize(seen.size());
                assertThat((Long) second.of(route).get(0)).as("resumes after the first run's last event on %s", route)
                    .isGreaterThan((Long) first.of(route).get(first.of(route).size() - 1));
                List<Long> published = log.replayIds(channel);
                assertThat(seen).as("nothing missed on %s", route)
                    .containsExactlyElementsOf(published.subList(0, seen.size()));
            }
            // the Pub/Sub route (its own marker, a Pub/Sub replay id, in the same file store): the change events
            // "Account 1", "Account 2", ... of both runs, none missed, none repeated, in order
            List<String> names = new ArrayList<>(first.names("account-changes-pubsub"));
            names.addAll(second.names("account-changes-pubsub"));
            assertThat(names).as("the Pub/Sub route resumes where it stopped")
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, names.size())
                    .mapToObj(n -> "Account " + n).toList());
        }
    }

    private ReplayIdCollector runUntilEveryRouteHas(int events) throws Exception {
        ReplayIdCollector collector = new ReplayIdCollector();
        Main main = new Main(SfStreamExample.class);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(collector);
            }
        });
        Thread runner;
        try (AutoCloseable emulator = SfStreamExample.prepare(main, dir, Duration.ofMillis(100))) {
            runner = new Thread(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "main-job");
            runner.start();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (String route : ROUTES) {
                    assertThat(collector.of(route)).as(route).hasSizeGreaterThanOrEqualTo(events);
                }
            });
            main.completed();
            runner.join(30_000);
            assertThat(runner.isAlive()).isFalse();
        }
        return collector;
    }
}
