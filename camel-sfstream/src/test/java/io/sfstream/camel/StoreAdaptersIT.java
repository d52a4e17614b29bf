package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each built-in store carries a marker across a route restart: the crash-safe file (given as a path), a Map bean, and
 * a Camel StateRepository bean. Two subscription names on one channel keep separate markers.
 */
class StoreAdaptersIT extends EmulatorTestSupport {

    @TempDir
    Path dir;

    @Test
    void fileStoreGivenAsAPath() throws Exception {
        Path file = dir.resolve("nested/markers.properties");
        String channel = "/topic/" + uniqueName("FileStore");
        resumesAcrossRestart(channel, "replayStore=" + file);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).anyMatch(line -> line.startsWith(channel + "="));
    }

    @Test
    void mapBean() throws Exception {
        Map<String, String> map = new ConcurrentHashMap<>();
        context.getRegistry().bind("map", map);
        String channel = "/topic/" + uniqueName("MapStore");
        List<Long> published = resumesAcrossRestart(channel, "replayStore=#map");
        assertThat(storedReplayId(map, channel)).isEqualTo(published.get(published.size() - 1));
    }

    @Test
    void stateRepositoryBean() throws Exception {
        MemoryStateRepository repository = new MemoryStateRepository();
        context.getRegistry().bind("offsets", repository);
        String channel = "/topic/" + uniqueName("RepoStore");
        List<Long> published = resumesAcrossRestart(channel, "replayStore=#offsets");
        assertThat(ReplayMarker.parse(channel, repository.getState(channel)).replayId())
                .isEqualTo(published.get(published.size() - 1));
    }

    @Test
    void twoSubscriptionNamesOnOneChannelKeepSeparateMarkers() throws Exception {
        Map<String, String> map = new ConcurrentHashMap<>();
        context.getRegistry().bind("map", map);
        String channel = "/event/" + uniqueName("Shared") + "__e";
        List<Long> published = emulator().publish(channel, 6, 100);
        MockEndpoint billing = getMockEndpoint("mock:billing");
        MockEndpoint audit = getMockEndpoint("mock:audit");
        billing.expectedMessageCount(6);
        audit.expectedMessageCount(6);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#map&subscriptionName=billing"
                     + "&replayCommitInterval=20ms").to("mock:billing");
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#map&subscriptionName=audit"
                     + "&replayCommitInterval=20ms").to("mock:audit");
            }
        });
        MockEndpoint.assertIsSatisfied(20, TimeUnit.SECONDS, billing, audit);
        // the records exist from the start (the leases); the last marker is committed within replayCommitInterval
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> published.get(5).equals(storedReplayId(map, "billing"))
                             && published.get(5).equals(storedReplayId(map, "audit")));
        assertThat(map).doesNotContainKey(channel);
    }

    private List<Long> resumesAcrossRestart(String channel, String storeOption) throws Exception {
        List<Long> first = emulator().publish(channel, 4, 100);
        MockEndpoint mock = getMockEndpoint("mock:store");
        mock.expectedMessageCount(4);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&" + storeOption).routeId("store").to("mock:store");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        // a graceful stop flushes the marker whatever the commit interval
        context.getRouteController().stopRoute("store");
        List<Long> second = emulator().publish(channel, 3, 100);
        mock.reset();
        mock.expectedMessageCount(3);
        context.getRouteController().startRoute("store");
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(second);
        context.getRouteController().stopRoute("store");
        return List.of(first.get(0), second.get(2));
    }
}
