package io.sfstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Publish-to-route latency: each variant subscribes to a fresh channel for new events, then the orchestrator publishes
 * at a steady rate (one event per tick through the admin API); the route compares each event's CreatedDate, stamped
 * by the emulator when it was published, with its own clock (one machine, one clock).
 */
final class LatencySection {

    record Latency(long p50, long p99, long max, long count) {
    }

    private final Options options;
    private final Runner runner;
    private final Emulator emulator;
    private final Map<Variant, Latency> results = new LinkedHashMap<>();

    LatencySection(Options options, Runner runner, Emulator emulator) {
        this.options = options;
        this.runner = runner;
        this.emulator = emulator;
    }

    Map<Variant, Latency> run(PrintStream out) throws IOException, InterruptedException {
        int total = options.latencyRate() * options.latencySeconds();
        // the Streaming API variants: the Pub/Sub API ones are measured for throughput, memory and footprint only
        for (Variant variant : options.variants().stream().filter(v -> !v.isPubSub()).toList()) {
            String channel = "/topic/Latency" + variant.key.toUpperCase();
            try (ChildProcess child = runner.start(variant, "latency", channel, total, -1, List.of(), false)) {
                awaitSubscribed(channel, child);
                publishSteadily(channel, total);
                Map<String, String> result = child.await(60_000, "result", "timeout");
                if (result == null || !"result".equals(result.get("type"))) {
                    throw new IllegalStateException("variant " + variant.key + " did not receive the " + total
                        + " published events; see " + child.log());
                }
                Latency latency = new Latency(Long.parseLong(result.get("p50Ms")), Long.parseLong(result.get("p99Ms")),
                    Long.parseLong(result.get("maxMs")), Long.parseLong(result.get("count")));
                results.put(variant, latency);
                child.stop();
                out.printf("  latency %-3s p50 %d ms  p99 %d ms  max %d ms (%d events)%n", "(" + variant.key + ")",
                    latency.p50(), latency.p99(), latency.max(), latency.count());
            }
        }
        return results;
    }

    private void awaitSubscribed(String channel, ChildProcess child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (emulator.subscriptions(channel) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no subscription to " + channel + " within 60 s; see " + child.log());
            }
            Thread.sleep(20); // polling an external process's state: there is nothing to wait on
        }
    }

    /** One event per tick at the configured rate; a late tick publishes at once, so the total time stays on plan. */
    private void publishSteadily(String channel, int total) throws IOException, InterruptedException {
        long periodNanos = 1_000_000_000L / options.latencyRate();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = start + i * periodNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            emulator.publish(channel, 1, Options.PAYLOAD_BYTES);
        }
    }

    String table() {
        Table table = new Table("variant", "events", "p50 ms", "p99 ms", "max ms");
        results.forEach((v, l) -> table.row(v.title(), l.count(), l.p50(), l.p99(), l.max()));
        return table.toString();
    }

    Latency of(Variant variant) {
        return results.get(variant);
    }
}
