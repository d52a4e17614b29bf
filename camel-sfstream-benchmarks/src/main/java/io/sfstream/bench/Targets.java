package io.sfstream.bench;

import java.util.List;

/** The targets of issue 8, each judged on the figures of this run: met, missed, or not measured. */
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

    @Override
    public String toString() {
        return table.toString();
    }
}
