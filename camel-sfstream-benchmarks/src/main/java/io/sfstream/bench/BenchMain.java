package io.sfstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The benchmark's orchestrator (JDK only): starts the emulator in a JVM of its own, runs every consumer variant in a
 * JVM of its own against it, and prints the tables. See the module's README for what each section measures.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /** Runs the sections the options ask for; returns the report (also written to target/benchmark-report.md). */
    public static String run(String[] args, PrintStream progress) throws IOException, InterruptedException {
        Options options = Options.parse(args);
        Classpaths classpaths = Classpaths.locate();
        Path workDir = classpaths.moduleDir().resolve("target").resolve("bench-runs");
        Files.createDirectories(workDir);
        StringBuilder report = new StringBuilder();
        report.append("## Results (").append(options.mode()).append(" mode)\n\n").append(Machine.describe()).append('\n');
        if (!options.jvmOptions().isEmpty()) {
            report.append("**Not the defaults:** every consumer JVM ran with `").append(String.join(" ",
                options.jvmOptions())).append("`.\n\n");
        }
        if (!options.sfstreamOptions().isEmpty()) {
            report.append("**Not the defaults:** variants (c), (d), (e) and (g) ran with `").append(options.sfstreamOptions())
                .append("` appended to their endpoint URIs.\n\n");
        }
        ThroughputSection throughput = null;
        LatencySection latency = null;
        MemorySection memory = null;
        FootprintSection footprint = null;
        progress.println("Starting the emulator JVM");
        try (Emulator emulator = Emulator.start(classpaths, workDir)) {
            Runner runner = new Runner(classpaths, emulator, workDir, options.jfr(), options.jvmOptions(),
                options.sfstreamOptions());
            if (options.runs("throughput")) {
                progress.println("Throughput: " + options.reps() + " interleaved repetitions of " + options.sizes()
                    + " events per variant");
                throughput = new ThroughputSection(options, runner, emulator);
                throughput.run(progress);
                for (int size : options.sizes()) {
                    report.append(Table.f("### Throughput: drain %,d retained events of ~%d bytes (replay ALL_EVENTS), "
                        + "median of %d runs%n%n", size, Options.PAYLOAD_BYTES, options.reps()))
                        .append(throughput.table(size)).append('\n');
                }
                report.append("### Start-up: JVM launch to first event (every drain above)\n\n")
                    .append(throughput.startupTable()).append('\n');
            }
            if (options.runs("latency")) {
                progress.println("Latency: " + options.latencyRate() + " events/s for " + options.latencySeconds()
                    + " s per variant");
                latency = new LatencySection(options, runner, emulator);
                latency.run(progress);
                report.append(Table.f("### Latency: publish to route at %d events/s for %d s%n%n", options.latencyRate(),
                    options.latencySeconds())).append(latency.table()).append('\n');
            }
            if (options.runs("memory")) {
                progress.println("Memory: " + options.memorySeconds() + " s per variant on a backlog of "
                    + options.memoryBacklog() + " events, route taking 10 ms per event");
                memory = new MemorySection(options, runner, emulator);
                memory.run(progress);
                report.append(Table.f("### Memory: %,d-event backlog, route taking 10 ms per event, sampled every %d s"
                    + "%n%n", options.memoryBacklog(), options.memorySampleSeconds())).append(memory.table())
                    .append('\n');
            }
            report.append(Table.f("Emulator JVM peak RSS: %.0f MB%n%n", emulator.peakRssMb()));
        }
        if (options.runs("footprint")) {
            footprint = new FootprintSection(classpaths);
            report.append("### Runtime footprint\n\n").append(footprint.table()).append('\n');
        }
        if (options.variants().stream().anyMatch(v -> !v.isPubSub())) {
            report.append("### Targets (issue 8)\n\n").append(Targets.of(options, throughput, memory, footprint))
                .append('\n');
        }
        if (options.variants().stream().anyMatch(Variant::isPubSub)) {
            report.append("### Targets (issue 16, Pub/Sub API)\n\n")
                .append(Targets.ofPubSub(options, throughput, memory, footprint)).append('\n');
        }
        String text = report.toString();
        Files.writeString(classpaths.moduleDir().resolve("target").resolve("benchmark-report.md"), text);
        progress.println();
        progress.print(text);
        return text;
    }

    /** The machine the figures come from. */
    static final class Machine {
        private Machine() {
        }

        static String describe() {
            String cpu = "unknown CPU";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
            } catch (IOException e) {
                // not Linux
            }
            String memory = "";
            try {
                memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1_048_576 + " GiB RAM, ")
                    .orElse("");
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + "Java "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; "
                + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).substring(0, 16) + "\n";
        }
    }
}
