package io.sfstream.camel;

import io.sfstream.camel.replay.MapReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The worker-strategy scenarios on a real data grid: a Hazelcast cluster of two members, each in its own JVM
 * ({@link GridMember}, embedded, TCP-IP join on loopback, no multicast), and workers connecting to it as Hazelcast
 * clients with the IMap {@code markers} as {@code replayStore=#markers}. This JVM reads the map as a client too.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HazelcastWorkerStrategiesIT extends WorkerStrategiesScenarios {

    private static final String CLUSTER = "sfstream-workers-it-" + ProcessHandle.current().pid();
    private static final List<Process> MEMBERS = new ArrayList<>();
    private static List<String> addresses;
    private static HazelcastInstance client;
    private static Map<String, String> map;

    @BeforeAll
    static void startCluster() throws Exception {
        Path dir = Path.of("target", "workers-it", HazelcastWorkerStrategiesIT.class.getSimpleName()).toAbsolutePath();
        Files.createDirectories(dir);
        Path log4j = ChildJvm.writeLogConfig(dir, Map.of());
        List<Integer> ports = List.of(freePort(), freePort());
        addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        String all = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        // one after the other: the second joins the first's cluster rather than both electing themselves at once
        for (int i = 0; i < ports.size(); i++) {
            Path log = dir.resolve("member-" + i + "-" + System.currentTimeMillis() + ".log");
            Process member = ChildJvm.start(GridMember.class, "192m", log4j, log, CLUSTER, String.valueOf(ports.get(i)),
                    all);
            MEMBERS.add(member);
            String expected = " MEMBERS " + (i + 1);
            await("member " + i + " in a cluster of " + (i + 1)).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        String text = Files.exists(log) ? Files.readString(log) : "";
                        if (!member.isAlive()) {
                            fail("Grid member exited:\n" + text);
                        }
                        return text.contains(expected);
                    });
        }
        ClientConfig config = new ClientConfig();
        config.setClusterName(CLUSTER);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().setAddresses(addresses);
        client = HazelcastClient.newHazelcastClient(config);
        map = client.getMap("markers");
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (client != null) {
            client.shutdown();
        }
        for (Process member : MEMBERS) {
            member.destroyForcibly();
        }
        for (Process member : MEMBERS) {
            member.waitFor(10, TimeUnit.SECONDS);
        }
        MEMBERS.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    protected String storeSpec() {
        return "hazelcast:" + CLUSTER + ":" + String.join(",", addresses);
    }

    @Override
    protected Optional<SubscriptionRecord> readRecord(String key) {
        return new MapReplayMarkerStore(map).readRecord(key);
    }

    @Override
    protected boolean storeProvesHolders() {
        return false;
    }
}
