package io.sfstream.camel;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExceptionHandler;

/**
 * One worker of the worker-strategy ITs ({@link WorkerStrategiesScenarios}) in its own JVM: a plain CamelContext
 * consuming one channel of the emulator with a strategy, on a shared replay store (a file, or a Hazelcast IMap reached
 * as a Hazelcast client and bound as {@code #markers}).
 * <p>
 * Arguments: {@code emulatorBaseUrl channel workerId strategy leaseMillis commitIntervalMillis processMillis store
 * outputFile}, where store is {@code file:<path>} or {@code hazelcast:<cluster>:<host:port>[,<host:port>...]}.
 * <p>
 * The route appends {@code <epochMillis> <workerId> <replayId> start} before and {@code ... end} after processing an
 * event (taking processMillis), one write and flush per line. On stdout, each line prefixed with its epochMillis:
 * {@code READY <pid> <leaseState>}, {@code STATE <leaseState>} on every change of the consumer's lease state,
 * {@code LOST <exception class> holder=<holder> <message>} when the consumer's exception handler hears that the
 * subscription was lost, and {@code START_FAILED <exception class> holder=<holder> <message>} (exit code 3) when the
 * route could not start. SIGTERM stops the context gracefully.
 */
public final class WorkerApp {

    private static final PrintStream OUT = System.out;

    private WorkerApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: WorkerApp <emulatorBaseUrl> <channel> <workerId> <strategy> <leaseMillis>"
                               + " <commitIntervalMillis> <processMillis> <file:path|hazelcast:cluster:addresses>"
                               + " <outputFile>");
            System.exit(2);
        }
        String baseUrl = args[0];
        String channel = args[1];
        String workerId = args[2];
        String strategy = args[3];
        long leaseMillis = Long.parseLong(args[4]);
        long commitMillis = Long.parseLong(args[5]);
        long processMillis = Long.parseLong(args[6]);
        String storeSpec = args[7];
        Path outputFile = Path.of(args[8]).toAbsolutePath();
        Files.createDirectories(outputFile.getParent());
        OutputStream output = new FileOutputStream(outputFile.toFile(), true);

        CamelContext context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(10);
        SfStreamComponent component = new SfStreamComponent();
        SfStreamConfiguration config = component.getConfiguration();
        config.setLoginUrl(baseUrl);
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        context.addComponent("sfstream", component);

        HazelcastInstance client = null;
        String replayStore;
        if (storeSpec.startsWith("file:")) {
            replayStore = storeSpec.substring("file:".length());
        } else if (storeSpec.startsWith("hazelcast:")) {
            String[] parts = storeSpec.substring("hazelcast:".length()).split(":", 2);
            client = hazelcastClient(parts[0], List.of(parts[1].split(",")));
            context.getRegistry().bind("markers", client.getMap("markers"));
            replayStore = "#markers";
        } else {
            throw new IllegalArgumentException("Unknown store " + storeSpec);
        }
        context.getRegistry().bind("lostHandler", (ExceptionHandler) new ReportingHandler());

        String uri = "sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=" + replayStore + "&strategy=" + strategy
                     + "&workerId=" + workerId + "&leaseDuration=" + leaseMillis + "ms&replayCommitInterval="
                     + commitMillis + "ms&exceptionHandler=#lostHandler";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("worker").process(exchange -> {
                    long replayId = exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
                    line(output, workerId, replayId, "start");
                    if (processMillis > 0) {
                        // the route's work: what makes events in flight and completed-but-uncommitted at a kill
                        Thread.sleep(processMillis);
                    }
                    line(output, workerId, replayId, "end");
                });
            }
        });

        HazelcastInstance hazelcast = client;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                context.stop();
                if (hazelcast != null) {
                    hazelcast.shutdown();
                }
                print("STOPPED");
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "worker-app-shutdown"));

        try {
            context.start();
        } catch (Exception e) {
            SubscriptionInUseException inUse = find(e);
            if (inUse != null) {
                print("START_FAILED " + inUse.getClass().getSimpleName() + " holder=" + inUse.getHolder() + " "
                      + inUse.getMessage());
            } else {
                e.printStackTrace(OUT);
                print("START_FAILED " + e);
            }
            Runtime.getRuntime().halt(3);
        }
        SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("worker").getConsumer();
        print("READY " + ProcessHandle.current().pid() + " " + consumer.getLeaseState());
        Thread watcher = new Thread(() -> watch(consumer), "lease-state-watcher");
        watcher.setDaemon(true);
        watcher.start();
        while (!stopped.await(1, TimeUnit.HOURS)) {
            // block until SIGTERM
        }
    }

    /** Reports every change of the lease state, so the test can wait for a standby to take over. */
    private static void watch(SfStreamConsumer consumer) {
        String last = consumer.getLeaseState();
        while (true) {
            String now = consumer.getLeaseState();
            if (!now.equals(last)) {
                print("STATE " + now + " holder=" + consumer.getLeaseHolder());
                last = now;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static HazelcastInstance hazelcastClient(String cluster, List<String> addresses) {
        ClientConfig clientConfig = new ClientConfig();
        clientConfig.setClusterName(cluster);
        clientConfig.setProperty("hazelcast.phone.home.enabled", "false");
        clientConfig.setProperty("hazelcast.logging.type", "slf4j");
        // shut down by this app's hook after the context's last commit and release, not concurrently with them
        clientConfig.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        clientConfig.getNetworkConfig().setAddresses(addresses);
        clientConfig.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(20_000);
        return HazelcastClient.newHazelcastClient(clientConfig);
    }

    private static void line(OutputStream output, String workerId, long replayId, String what) throws IOException {
        byte[] bytes = (System.currentTimeMillis() + " " + workerId + " " + replayId + " " + what + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        synchronized (output) {
            output.write(bytes);
            output.flush();
        }
    }

    static void print(String text) {
        synchronized (OUT) {
            OUT.println(System.currentTimeMillis() + " " + text);
            OUT.flush();
        }
    }

    private static SubscriptionInUseException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SubscriptionInUseException inUse) {
                return inUse;
            }
        }
        return null;
    }

    /** The consumer's exception handler: a lost subscription is printed for the test, anything else too. */
    private static final class ReportingHandler implements ExceptionHandler {
        @Override
        public void handleException(Throwable exception) {
            handleException(null, null, exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            handleException(message, null, exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            if (exception instanceof SubscriptionInUseException inUse) {
                print("LOST " + inUse.getClass().getSimpleName() + " holder=" + inUse.getHolder() + " "
                      + inUse.getMessage());
            } else {
                print("ERROR " + message + ": " + exception);
            }
        }
    }
}
