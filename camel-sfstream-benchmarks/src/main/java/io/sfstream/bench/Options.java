package io.sfstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line: {@code [--quick | --smoke] [--reps N] [--sizes 20000,100000] [--variants a,b,c,d,e,f,g,h,i]
 * [--sections throughput,latency,memory,footprint] [--latency-seconds S] [--memory-seconds S] [--jfr]
 * [--jvm-options "-XX:... -D..."] [--sfstream-options opt=value&opt=value]}. The last appends endpoint options to the
 * URIs of variants (c), (d), (e) and (g), to compare settings; the report names them, since its figures are then not those
 * of the defaults.
 * <ul>
 * <li>full (default): 5 interleaved repetitions, latency 60 s per variant, memory 150 s per variant;</li>
 * <li>{@code --quick}: 2 repetitions, latency 15 s, memory 30 s;</li>
 * <li>{@code --smoke}: what the build's test runs: each variant drains 2,000 events once, plus the footprint.</li>
 * </ul>
 */
record Options(int reps, List<Integer> sizes, List<Variant> variants, List<String> sections, int latencySeconds,
               int latencyRate, int memorySeconds, int memorySampleSeconds, int memoryBacklog, List<Variant> memoryVariants,
               boolean jfr, List<String> jvmOptions, String mode, String sfstreamOptions) {

    static final int PAYLOAD_BYTES = 500;

    static Options parse(String[] args) {
        String mode = "full";
        for (String a : args) {
            if (a.equals("--quick") || a.equals("--smoke")) {
                mode = a.substring(2);
            }
        }
        int reps = switch (mode) {
            case "smoke" -> 1;
            case "quick" -> 2;
            default -> 5;
        };
        List<Integer> sizes = mode.equals("smoke") ? List.of(2_000) : List.of(20_000, 100_000);
        List<Variant> variants = List.of(Variant.values());
        List<String> sections = mode.equals("smoke") ? List.of("throughput", "footprint")
            : List.of("throughput", "latency", "memory", "footprint");
        int latencySeconds = mode.equals("full") ? 60 : 15;
        int memorySeconds = mode.equals("full") ? 150 : 30;
        int memorySample = mode.equals("full") ? 5 : 3;
        boolean jfr = false;
        List<String> jvmOptions = List.of();
        String sfstreamOptions = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick", "--smoke" -> {
                    // read above
                }
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--variants" -> variants = Arrays.stream(args[++i].split(",")).map(Variant::of).toList();
                case "--sections" -> sections = List.of(args[++i].split(","));
                case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                case "--memory-seconds" -> memorySeconds = Integer.parseInt(args[++i]);
                case "--jfr" -> jfr = true;
                // added to every consumer JVM, e.g. to measure what a flag such as -XX:TieredStopAtLevel=1 changes
                case "--jvm-options" -> jvmOptions = List.of(args[++i].trim().split("\\s+"));
                case "--sfstream-options" -> sfstreamOptions = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + "; usage: [--quick|--smoke] [--reps N] [--sizes 20000,100000] [--variants a,b,c,d,e,f,g,h,i]"
                    + " [--sections throughput,latency,memory,footprint] [--latency-seconds S] [--memory-seconds S]"
                    + " [--jfr] [--jvm-options \"OPTIONS\"] [--sfstream-options opt=value&opt=value]");
            }
        }
        // the backlog run compares the consumer under test with camel-salesforce, on each API, where both were asked for
        List<Variant> memoryVariants = new ArrayList<>();
        for (Variant v : List.of(Variant.D, Variant.F, Variant.G, Variant.H)) {
            if (variants.contains(v)) {
                memoryVariants.add(v);
            }
        }
        return new Options(reps, sizes, variants, sections, latencySeconds, 200, memorySeconds, memorySample,
            1_000_000, memoryVariants, jfr, jvmOptions, mode, sfstreamOptions);
    }

    boolean runs(String section) {
        return sections.contains(section);
    }
}
