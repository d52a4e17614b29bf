package io.sfstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Drains N retained events per run, variants interleaved and their order rotated each repetition (so no variant
 * always runs right after the same other one or on a colder emulator), and reports medians.
 */
final class ThroughputSection {

    private final Options options;
    private final Runner runner;
    private final Emulator emulator;
    private final List<Runner.Drain> drains = new ArrayList<>();

    ThroughputSection(Options options, Runner runner, Emulator emulator) {
        this.options = options;
        this.runner = runner;
        this.emulator = emulator;
    }

    /** A PushTopic for the Streaming API variants, a platform event channel for the Pub/Sub API ones. */
    static String channel(Variant variant, int events) {
        return variant.isPubSub() ? "/event/Bench" + events + "__e" : "/topic/Bench" + events;
    }

    List<Runner.Drain> run(PrintStream out) throws IOException, InterruptedException {
        boolean streaming = options.variants().stream().anyMatch(v -> !v.isPubSub());
        boolean pubSub = options.variants().stream().anyMatch(Variant::isPubSub);
        for (int size : options.sizes()) {
            if (streaming) {
                emulator.publish(channel(Variant.A, size), size, Options.PAYLOAD_BYTES);
            }
            if (pubSub) {
                emulator.publish(channel(Variant.I, size), size, Options.PAYLOAD_BYTES);
            }
        }
        // the emulator's own JIT warm-up: one discarded drain per size and API, by the bare client of that API
        for (int size : options.sizes()) {
            if (streaming) {
                runner.drain(Variant.A, channel(Variant.A, size), size, 0);
            }
            if (pubSub) {
                runner.drain(Variant.I, channel(Variant.I, size), size, 0);
            }
        }
        List<Variant> variants = options.variants();
        for (int rep = 1; rep <= options.reps(); rep++) {
            for (int size : options.sizes()) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant variant = variants.get((i + rep - 1) % variants.size());
                    Runner.Drain drain = runner.drain(variant, channel(variant, size), size, rep);
                    drains.add(drain);
                    out.printf("  run %d/%d N=%d %-3s %,9.0f events/s  cpu %.2f s  rss %.0f MB  first event %.0f ms%n", rep,
                        options.reps(), size, "(" + variant.key + ")", drain.eventsPerSecond(), drain.cpuSeconds(),
                        drain.peakRssMb(), drain.firstEventMs());
                }
            }
        }
        return drains;
    }

    double median(Variant variant, int size, ToDoubleFunction<Runner.Drain> metric) {
        List<Double> values = drains.stream().filter(d -> d.variant() == variant && d.events() == size)
            .map(metric::applyAsDouble).toList();
        return Table.median(values);
    }

    double medianRate(Variant variant, int size) {
        return median(variant, size, Runner.Drain::eventsPerSecond);
    }

    /**
     * The table of one size. Each row is compared with the references of its own API: the Streaming API variants with
     * (a) and (b), the Pub/Sub API ones with (i) and (h); the columns of an API none of the variants uses are left out.
     */
    String table(int size) {
        boolean streaming = options.variants().stream().anyMatch(v -> !v.isPubSub());
        boolean pubSub = options.variants().stream().anyMatch(Variant::isPubSub);
        List<Variant> references = new ArrayList<>();
        if (streaming) {
            references.addAll(List.of(Variant.A, Variant.B));
        }
        if (pubSub) {
            references.addAll(List.of(Variant.I, Variant.H));
        }
        List<String> header = new ArrayList<>(List.of("variant", "events/s (median)"));
        references.forEach(r -> header.add("vs (" + r.key + ")"));
        header.addAll(List.of("drain s", "drain CPU µs/event", "process CPU s", "peak RSS MB", "runs (events/s)"));
        Table table = new Table(header.toArray(String[]::new));
        for (Variant v : options.variants()) {
            double rate = medianRate(v, size);
            List<String> runs = drains.stream().filter(d -> d.variant() == v && d.events() == size)
                .map(d -> Table.f("%.0f", d.eventsPerSecond())).toList();
            List<Object> row = new ArrayList<>(List.of(v.title(), Table.f("%,.0f", rate)));
            for (Variant r : references) {
                row.add(r.isPubSub() == v.isPubSub() ? ratio(rate, medianRate(r, size)) : "");
            }
            row.addAll(List.of(Table.f("%.2f", median(v, size, d -> d.elapsedMs() / 1000)),
                Table.f("%.1f", median(v, size, d -> d.drainCpuMs() * 1000 / d.events())),
                Table.f("%.2f", median(v, size, Runner.Drain::cpuSeconds)),
                Table.f("%.0f", median(v, size, Runner.Drain::peakRssMb)), String.join(" ", runs)));
            table.row(row.toArray());
        }
        return table.toString();
    }

    /** JVM start to first event, over every drain of the variant (a backlog is waiting, so it is all start-up). */
    String startupTable() {
        Table table = new Table("variant", "JVM start → first event ms (median)", "min", "max",
            "of which JVM boot to main ms");
        for (Variant v : options.variants()) {
            List<Double> first = drains.stream().filter(d -> d.variant() == v).map(Runner.Drain::firstEventMs).toList();
            List<Double> boot = drains.stream().filter(d -> d.variant() == v).map(Runner.Drain::jvmStartedMs).toList();
            table.row(v.title(), Table.f("%.0f", Table.median(first)),
                Table.f("%.0f", first.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)),
                Table.f("%.0f", first.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)),
                Table.f("%.0f", Table.median(boot)));
        }
        return table.toString();
    }

    double medianFirstEvent(Variant variant) {
        return Table.median(drains.stream().filter(d -> d.variant() == variant).map(Runner.Drain::firstEventMs).toList());
    }

    static String ratio(double value, double reference) {
        return Double.isNaN(reference) || Double.isNaN(value) ? "-" : Table.f("%.2fx", value / reference);
    }
}
