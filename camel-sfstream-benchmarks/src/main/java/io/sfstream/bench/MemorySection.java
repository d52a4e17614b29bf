package io.sfstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backlog far larger than any buffer (1,000,000 retained events) and a route taking 10 ms per event: the consumer
 * must hold only what it works on. The child samples itself every few seconds: heap in use right after a full GC, and
 * its resident set.
 */
final class MemorySection {

    static final String CHANNEL = "/topic/Backlog";
    /** The backlog of the Pub/Sub API variants: a platform event channel. */
    static final String PUBSUB_CHANNEL = "/event/Backlog__e";

    static String channel(Variant variant) {
        return variant.isPubSub() ? PUBSUB_CHANNEL : CHANNEL;
    }

    record Sample(long elapsedMs, double heapMb, double rssMb, long processed) {
    }

    private final Options options;
    private final Runner runner;
    private final Emulator emulator;
    private final Map<Variant, List<Sample>> results = new LinkedHashMap<>();

    MemorySection(Options options, Runner runner, Emulator emulator) {
        this.options = options;
        this.runner = runner;
        this.emulator = emulator;
    }

    Map<Variant, List<Sample>> run(PrintStream out) throws IOException, InterruptedException {
        if (options.memoryVariants().isEmpty()) {
            return results;
        }
        for (String channel : options.memoryVariants().stream().map(MemorySection::channel).distinct().toList()) {
            out.printf("  publishing a backlog of %,d events on %s%n", options.memoryBacklog(), channel);
            emulator.publish(channel, options.memoryBacklog(), Options.PAYLOAD_BYTES);
        }
        int expected = options.memorySeconds() / options.memorySampleSeconds();
        for (Variant variant : options.memoryVariants()) {
            List<Sample> samples = new ArrayList<>();
            try (ChildProcess child = runner.start(variant, "memory", channel(variant), options.memoryBacklog(), -2,
                List.of("--work-ms", "10", "--sample-ms", Long.toString(options.memorySampleSeconds() * 1000L)), false)) {
                while (samples.size() < expected) {
                    Map<String, String> line = child.await(options.memorySampleSeconds() * 1000L + 60_000, "sample");
                    if (line == null) {
                        throw new IllegalStateException("variant " + variant.key + " stopped sampling; see " + child.log());
                    }
                    samples.add(new Sample(Long.parseLong(line.get("elapsedMs")),
                        Long.parseLong(line.get("heapAfterGc")) / 1048576.0, Long.parseLong(line.get("rssKb")) / 1024.0,
                        Long.parseLong(line.get("processed"))));
                }
                child.stop();
            }
            results.put(variant, samples);
            Sample last = samples.get(samples.size() - 1);
            out.printf("  memory %-3s heap %s MB  rss %s MB  (%d events processed)%n", "(" + variant.key + ")",
                series(samples, true), series(samples, false), last.processed());
        }
        return results;
    }

    /** Spread of the samples after the first (class loading and the first fetch settle before it): (max-min)/min. */
    static double spread(List<Sample> samples, boolean heap) {
        List<Sample> settled = samples.size() > 1 ? samples.subList(1, samples.size()) : samples;
        double min = settled.stream().mapToDouble(s -> heap ? s.heapMb() : s.rssMb()).min().orElse(Double.NaN);
        double max = settled.stream().mapToDouble(s -> heap ? s.heapMb() : s.rssMb()).max().orElse(Double.NaN);
        return (max - min) / min;
    }

    /**
     * Growth: mean of the last third of the samples against the mean of the first third (after the first sample).
     * Separates a leak (grows) from a bounded saw-tooth (spread without growth).
     */
    static double trend(List<Sample> samples, boolean heap) {
        List<Sample> settled = samples.size() > 1 ? samples.subList(1, samples.size()) : samples;
        int third = Math.max(1, settled.size() / 3);
        double first = settled.subList(0, third).stream().mapToDouble(s -> heap ? s.heapMb() : s.rssMb()).average()
            .orElse(Double.NaN);
        double last = settled.subList(settled.size() - third, settled.size()).stream()
            .mapToDouble(s -> heap ? s.heapMb() : s.rssMb()).average().orElse(Double.NaN);
        return (last - first) / first;
    }

    static String series(List<Sample> samples, boolean heap) {
        List<String> values = samples.stream().map(s -> Table.f(heap ? "%.1f" : "%.0f", heap ? s.heapMb() : s.rssMb()))
            .toList();
        return String.join(" ", values);
    }

    String table() {
        Table table = new Table("variant", "seconds", "events processed", "heap after GC MB (each sample)",
            "heap spread", "heap trend", "RSS MB (each sample)", "RSS spread", "RSS trend");
        results.forEach((v, samples) -> {
            Sample last = samples.get(samples.size() - 1);
            table.row(v.title(), last.elapsedMs() / 1000, last.processed(), series(samples, true),
                Table.f("%.1f%%", 100 * spread(samples, true)), Table.f("%+.1f%%", 100 * trend(samples, true)),
                series(samples, false), Table.f("%.1f%%", 100 * spread(samples, false)),
                Table.f("%+.1f%%", 100 * trend(samples, false)));
        });
        return table.toString();
    }

    List<Sample> of(Variant variant) {
        return results.get(variant);
    }
}
