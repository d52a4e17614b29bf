package io.sfstream.bench.child;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of one consumer JVM: {@code --variant a..i --mode throughput|latency|memory --url URL --channel C
 * --count N [--replay -2|-1] [--work-ms MS] [--sample-ms MS] [--store-dir DIR] [--pubsub-port TLS_PORT]}. The Pub/Sub
 * variants (g, h, i) speak TLS to {@code localhost:TLS_PORT}, trusting the emulator's certificate through
 * {@code javax.net.ssl.trustStore} (set by the orchestrator).
 * <p>
 * It prints {@code BENCH ...} lines on stdout (started, result, sample) and then waits for the orchestrator to close
 * its stdin, so the orchestrator can read this process's CPU time and peak RSS from /proc while it still exists.
 */
public final class ChildMain {

    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String variant = options.get("variant");
        String mode = options.getOrDefault("mode", "throughput");
        long count = Long.parseLong(options.getOrDefault("count", "0"));
        long workMs = Long.parseLong(options.getOrDefault("work-ms", "0"));
        Probe probe = new Probe(count, "latency".equals(mode), workMs, !"memory".equals(mode));
        Settings settings = new Settings(options.get("url"), options.get("channel"),
            Long.parseLong(options.getOrDefault("replay", "-2")),
            options.containsKey("store-dir") ? Path.of(options.get("store-dir")) : Files.createTempDirectory("sfbench"),
            options.getOrDefault("sfstream-options", ""), Integer.parseInt(options.getOrDefault("pubsub-port", "0")));

        Thread stdinWatch = new Thread(ChildMain::haltWhenStdinCloses, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        VariantConsumer consumer = switch (variant) {
            case "a" -> new BareHttpConsumer(settings, probe);
            case "b" -> new CometdConsumer(settings, probe);
            case "c", "d", "e", "g" -> new SfStreamRoute(settings, probe, variant);
            case "f" -> new CamelSalesforceRoute(settings, probe);
            case "h" -> new CamelSalesforcePubSubRoute(settings, probe);
            case "i" -> new BareGrpcConsumer(settings, probe);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
        try {
            consumer.prepare();
        } catch (Exception | Error e) {
            haltOnStartFailure(e);
        }
        ScheduledExecutorService sampler = null;
        if ("memory".equals(mode)) {
            sampler = startSampling(probe, Long.parseLong(options.getOrDefault("sample-ms", "5000")));
        }
        probe.started();
        try {
            consumer.start();
        } catch (Exception | Error e) {
            haltOnStartFailure(e);
        }
        System.out.println("BENCH started");
        System.out.flush();
        if ("memory".equals(mode)) {
            // runs until the orchestrator has its samples and closes stdin
            Thread.currentThread().join();
        }
        if (!probe.await(Long.parseLong(options.getOrDefault("timeout-ms", "600000")))) {
            System.out.println("BENCH timeout processed=" + probe.processed());
        } else {
            System.out.println(probe.resultLine());
        }
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * A consumer that cannot start (a bad {@code --sfstream-options} value) may leave non-daemon threads behind: end the
     * JVM, so that the orchestrator sees the child end instead of waiting for its first event.
     */
    private static void haltOnStartFailure(Throwable e) {
        e.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(2);
    }

    /** The orchestrator closes stdin once it has read /proc: end at once, without any shutdown work being timed. */
    private static void haltWhenStdinCloses() {
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // nothing is sent; EOF is the signal
            }
        } catch (IOException e) {
            // same as EOF
        }
        if (Boolean.getBoolean("bench.profiling")) {
            // a normal exit, so that the flight recording is written
            System.exit(0);
        }
        Runtime.getRuntime().halt(0);
    }

    /** Every period: a full GC, then heap in use and the process's resident set. */
    private static ScheduledExecutorService startSampling(Probe probe, long periodMs) {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memory-sampler");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        sampler.scheduleAtFixedRate(() -> {
            System.gc();
            long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("BENCH sample elapsedMs=" + (System.nanoTime() - start) / 1_000_000 + " heapAfterGc="
                + heap + " rssKb=" + ProcSelf.rssKb() + " processed=" + probe.processed());
            System.out.flush();
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return sampler;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    /** Where and what to consume. */
    record Settings(String baseUrl, String channel, long replayFrom, Path storeDir, String sfstreamOptions,
                    int pubSubPort) {

        /** The host the Pub/Sub variants connect to: the name the emulator's certificate is issued for. */
        static final String PUBSUB_HOST = "localhost";

        /** The PushTopic's name without /topic/, as camel-salesforce's URI wants it. */
        String topicName() {
            return channel.substring("/topic/".length());
        }
    }

    /** One consumer under test. */
    interface VariantConsumer {
        /** Everything before the timed part: Camel context built, HTTP clients created. */
        void prepare() throws Exception;

        /** Starts consuming; may return at once (events arrive on other threads) or run the loop itself. */
        void start() throws Exception;
    }
}
