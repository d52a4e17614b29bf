package io.sfstream.bench;

import java.util.List;

/**
 * The targets of issue 8 (Streaming API) and of issue 16 (Pub/Sub API), each judged on the figures of this run: met,
 * missed, or not measured.
 */
final class Targets {

    private final Table table = new Table("target", "measured", "verdict");

    void check(String target, double measured, double bound, boolean atLeast, String format) {
        String verdict;
        if (Double.isNaN(measured) || Double.isNaN(bound)) {
            verdict = "not measured";
        } else {
            verdict = (atLeast ? measured >= bound : measured <= bound) ? "met" : "MISSED";
        }
        table.row(target, Double.isNaN(measured) ? "-" : Table.f(format, measured), verdict);
    }

    static Targets of(Options options, ThroughputSection throughput, MemorySection memory, FootprintSection footprint) {
        Targets t = new Targets();
        if (throughput != null) {
            for (int size : options.sizes()) {
                double a = throughput.medianRate(Variant.A, size);
                double b = throughput.medianRate(Variant.B, size);
                double d = throughput.medianRate(Variant.D, size);
                double e = throughput.medianRate(Variant.E, size);
                double f = throughput.medianRate(Variant.F, size);
                String n = Table.f("N=%,d: ", size);
                t.check(n + "(d) >= 0.9x (a)", d / a, 0.9, true, "%.2fx");
                t.check(n + "(d) >= 1.0x (b)", d / b, 1.0, true, "%.2fx");
                t.check(n + "(d) >= 1.4x (f)", d / f, 1.4, true, "%.2fx");
                t.check(n + "(e) >= 0.8x (a)", e / a, 0.8, true, "%.2fx");
                double cpuD = throughput.median(Variant.D, size, r -> r.drainCpuMs() * 1000 / r.events());
                double cpuB = throughput.median(Variant.B, size, r -> r.drainCpuMs() * 1000 / r.events());
                t.check(n + "drain CPU per event (d) <= (b) (" + Table.f("%.1f", cpuB) + " µs)", cpuD, cpuB, false,
                    "%.1f µs");
            }
            t.check("(d) JVM start → first event <= 800 ms", throughput.medianFirstEvent(Variant.D), 800, false,
                "%.0f ms");
        }
        if (memory != null && memory.of(Variant.D) != null) {
            List<MemorySection.Sample> samples = memory.of(Variant.D);
            t.check("(d) heap after GC flat within 10% over the backlog run", 100 * MemorySection.spread(samples, true), 10,
                false, "%.1f%%");
            // not a target of the issue: tells a leak from a bounded saw-tooth when the spread is missed
            t.check("(d) heap after GC trend (last third vs first third) within ±10%",
                100 * Math.abs(MemorySection.trend(samples, true)), 10, false, "%.1f%%");
        }
        if (footprint != null) {
            t.check("sfstream runtime jars <= 25% of camel-salesforce's bytes",
                100.0 * footprint.sfstream().bytes() / footprint.salesforce().bytes(), 25, false, "%.1f%%");
        }
        return t;
    }

    /** Issue 16: sfstream over the Pub/Sub API (g) against camel-salesforce's pubSubSubscribe (h) and the bare loop (i). */
    static Targets ofPubSub(Options options, ThroughputSection throughput, MemorySection memory,
                            FootprintSection footprint) {
        Targets t = new Targets();
        if (throughput != null) {
            for (int size : options.sizes()) {
                double g = throughput.medianRate(Variant.G, size);
                double h = throughput.medianRate(Variant.H, size);
                double i = throughput.medianRate(Variant.I, size);
                String n = Table.f("N=%,d: ", size);
                t.check(n + "(g) >= 1.4x (h)", g / h, 1.4, true, "%.2fx");
                t.check(n + "(g) >= 0.8x (i)", g / i, 0.8, true, "%.2fx");
                double cpuG = throughput.median(Variant.G, size, r -> r.drainCpuMs() * 1000 / r.events());
                double cpuH = throughput.median(Variant.H, size, r -> r.drainCpuMs() * 1000 / r.events());
                t.check(n + "drain CPU per event (g) <= (h) (" + Table.f("%.1f", cpuH) + " µs)", cpuG, cpuH, false,
                    "%.1f µs");
            }
        }
        if (memory != null && memory.of(Variant.G) != null) {
            List<MemorySection.Sample> samples = memory.of(Variant.G);
            t.check("(g) heap after GC flat within 10% over the backlog run", 100 * MemorySection.spread(samples, true), 10,
                false, "%.1f%%");
            t.check("(g) heap after GC trend (last third vs first third) within ±10%",
                100 * Math.abs(MemorySection.trend(samples, true)), 10, false, "%.1f%%");
        } else {
            t.check("(g) heap after GC flat within 10% over the backlog run", Double.NaN, 10, false, "%.1f%%");
        }
        if (footprint != null) {
            // not a target: the issue asks for both footprints to be reported; the Pub/Sub module's share, for the record
            t.table.row("sfstream + Pub/Sub module runtime jars, share of camel-salesforce's bytes (reported, no bound)",
                Table.f("%.1f%%", 100.0 * footprint.sfstreamPubSub().bytes() / footprint.salesforce().bytes()), "-");
        }
        return t;
    }

    @Override
    public String toString() {
        return table.toString();
    }
}
