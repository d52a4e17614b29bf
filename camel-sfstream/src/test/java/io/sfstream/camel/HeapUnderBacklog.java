package io.sfstream.camel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Samples the consumer JVM's heap after GC while a slow route (10 ms per event) works through a large retained
 * backlog on an emulator in another JVM, to show that fetched-but-unprocessed events stay bounded by maxPendingCount.
 * <p>
 * Usage (see README, "Flow control"): start the standalone emulator, publish the backlog through its admin API, then
 * {@code java -cp <test classpath> io.sfstream.camel.HeapUnderBacklog <emulatorUrl> <channel> <seconds>}.
 */
public final class HeapUnderBacklog {

    private HeapUnderBacklog() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String channel = args[1];
        Duration run = Duration.ofSeconds(Long.parseLong(args[2]));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            SfStreamComponent component = new SfStreamComponent();
            SfStreamConfiguration config = component.getConfiguration();
            config.setLoginUrl(url);
            config.setClientId("sfstream-client-id");
            config.setClientSecret("sfstream-client-secret");
            config.setUsername("integration@example.com");
            config.setPassword("emulator-password");
            context.addComponent("sfstream", component);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sfstream:" + channel + "?replay=ALL_EVENTS").routeId("slow").delay(10).syncDelayed();
                }
            });
            context.start();
            SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("slow").getConsumer();
            Instant end = Instant.now().plus(run);
            System.out.println("seconds,heapAfterGcMB,pendingCount,lastReceivedReplayId");
            long started = System.nanoTime();
            while (Instant.now().isBefore(end)) {
                Thread.sleep(10_000);
                System.gc();
                long usedMb = memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
                System.out.printf("%d,%d,%d,%d%n", (System.nanoTime() - started) / 1_000_000_000L, usedMb,
                        consumer.getPendingCount(), consumer.getLastReceivedReplayId());
            }
        }
    }
}
