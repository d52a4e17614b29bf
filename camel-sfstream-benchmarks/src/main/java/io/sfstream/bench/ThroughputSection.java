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

    static String channel(int events) {
        return "/topic/Bench" + events;
    }

    List<Runner.Drain> run(PrintStream out) throws IOException, InterruptedException {
        for (int size : options.sizes()) {
            emulator.publish(channel(size), size, Options.PAYLOAD_BYTES);
        }
        // the emulator's own JIT warm-up: one discarded drain per size
        for (int size : options.sizes()) {
            runner.drain(Variant.A, channel(size), size, 0);
        }
        List<Variant> variants = options.variants();
        for (int rep = 1; rep <= options.reps(); rep++) {
            for (int size : options.sizes()) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant variant = variants.get((i + rep - 1) % variants.size());
                    Runner.Drain drain = runner.drain(variant, channel(size), size, rep);
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

    String table(int size) {
        Table table = new Table("variant", "events/s (median)", "vs (a)", "vs (b)", "drain s", "drain CPU µs/event",
            "process CPU s", "peak RSS MB", "runs (events/s)");
        double a = medianRate(Variant.A, size);
        double b = medianRate(Variant.B, size);
        for (Variant v : options.variants()) {
            double rate = medianRate(v, size);
            List<String> runs = drains.stream().filter(d -> d.variant() == v && d.events() == size)
                .map(d -> Table.f("%.0f", d.eventsPerSecond())).toList();
            table.row(v.title(), Table.f("%,.0f", rate), ratio(rate, a), ratio(rate, b),
                Table.f("%.2f", median(v, size, d -> d.elapsedMs() / 1000)),
                Table.f("%.1f", median(v, size, d -> d.drainCpuMs() * 1000 / d.events())),
                Table.f("%.2f", median(v, size, Runner.Drain::cpuSeconds)),
                Table.f("%.0f", median(v, size, Runner.Drain::peakRssMb)), String.join(" ", runs));
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
