package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConsumer;
import io.sfstream.camel.replay.MapReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionRecord;
import io.sfstream.emulator.EmulatorExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.range;
import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker strategy on the Pub/Sub path with Hazelcast as the store: a grid member on loopback (TCP-IP join, no
 * multicast) and two workers, each with its own Hazelcast client and its client's IMap as {@code replayStore}. The
 * WAIT_FOR_FREE standby opens no stream while the holder holds the lease in the grid, and continues exactly after the
 * holder's last commit (a Pub/Sub replay id in the grid) when the holder leaves.
 */
class PubSubHazelcastWorkerIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final String CLUSTER = "sfstream-pubsub-workers-" + ProcessHandle.current().pid();
    private static HazelcastInstance member;
    private static HazelcastInstance clientA;
    private static HazelcastInstance clientB;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @BeforeAll
    static void startGrid() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Config config = new Config();
        config.setClusterName(CLUSTER);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        member = Hazelcast.newHazelcastInstance(config);
        clientA = client(port);
        clientB = client(port);
    }

    private static HazelcastInstance client(int port) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(CLUSTER);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().setAddresses(List.of("127.0.0.1:" + port));
        return HazelcastClient.newHazelcastClient(config);
    }

    @AfterAll
    static void stopGrid() {
        for (HazelcastInstance instance : new HazelcastInstance[] { clientA, clientB, member }) {
            if (instance != null) {
                instance.shutdown();
            }
        }
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("markersA", clientA.getMap("markers"));
        registry.bind("markersB", clientB.getMap("markers"));
    }

    private void route(String channel, String workerId, String store) throws Exception {
        String uri = "sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#" + store + "&workerId=" + workerId
                     + "&strategy=WAIT_FOR_FREE&leaseDuration=2s&replayCommitInterval=50ms";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(workerId).to("mock:" + workerId);
            }
        });
    }

    private SfStreamConsumer consumer(String routeId) {
        return (SfStreamConsumer) context.getRoute(routeId).getConsumer();
    }

    private static Optional<SubscriptionRecord> record(String key) {
        Map<String, String> map = member.getMap("markers");
        return new MapReplayMarkerStore(map).readRecord(key);
    }

    @Test
    void aStandbyContinuesAfterTheHoldersLastCommitInTheGrid() throws Exception {
        String channel = "/event/" + uniqueName("Grid") + "__e";
        publish(channel, 0, 20);
        MockEndpoint a = getMockEndpoint("mock:a");
        route(channel, "a", "markersA");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getReceivedCounter() == 20);
        String last = positions(a).get(19);
        await().atMost(Duration.ofSeconds(5)).until(() -> record(channel)
                .map(r -> r.marker() != null && last.equals(r.marker().position())).orElse(false));

        route(channel, "b", "markersB");
        assertThat(consumer("b").getLeaseState()).isEqualTo("STANDBY");
        assertThat(consumer("b").getLeaseHolder()).isEqualTo("a");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> streams(channel).size() == 1);

        context.getRouteController().stopRoute("a");
        publish(channel, 20, 10);
        MockEndpoint b = getMockEndpoint("mock:b");
        await().atMost(Duration.ofSeconds(20)).until(() -> b.getReceivedCounter() == 10);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> b.getReceivedCounter() == 10);
        assertThat(seqs(a)).containsExactlyElementsOf(range(0, 20));
        assertThat(seqs(b)).containsExactlyElementsOf(range(20, 30));
        assertThat(consumer("b").getLeaseState()).isEqualTo("HOLDING");
        String newest = positions(b).get(9);
        await().atMost(Duration.ofSeconds(5)).until(() -> record(channel)
                .map(r -> r.marker() != null && newest.equals(r.marker().position())).orElse(false));
    }

    private void publish(String channel, int from, int count) {
        for (int i = from; i < from + count; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
    }
}
