package io.sfstream.camel;

import java.util.concurrent.CountDownLatch;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * One member of the Hazelcast cluster of {@link HazelcastWorkerStrategiesIT}, in its own JVM: embedded, on loopback,
 * TCP-IP join to a fixed list of ports, no multicast, no phone-home. Arguments: {@code clusterName port
 * allPorts(comma-separated)}. Prints {@code MEMBERS <n>} at start and on every membership change; SIGTERM shuts it
 * down.
 */
public final class GridMember {

    private GridMember() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: GridMember <clusterName> <port> <port,port,...>");
            System.exit(2);
        }
        Config config = new Config();
        config.setClusterName(args[0]);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a lone first member need not wait long for others before it forms the cluster
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(Integer.parseInt(args[1])).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
        for (String port : args[2].split(",")) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        member.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                print(event.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                print(event.getMembers().size());
            }
        });
        print(member.getCluster().getMembers().size());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            member.shutdown();
            stopped.countDown();
        }, "grid-member-shutdown"));
        stopped.await();
    }

    private static synchronized void print(int members) {
        System.out.println(System.currentTimeMillis() + " MEMBERS " + members);
        System.out.flush();
    }
}
