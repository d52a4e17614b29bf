package io.sfstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts consumer JVMs with the same JVM options for every variant and collects what they report. */
final class Runner {

    /** What one drain of a backlog measured. */
    record Drain(Variant variant, int events, int rep, double elapsedMs, double drainCpuMs, double cpuSeconds,
                 double peakRssMb, double firstEventMs, double jvmStartedMs) {

        double eventsPerSecond() {
            return events / (elapsedMs / 1000.0);
        }
    }

    private final Classpaths classpaths;
    private final Emulator emulator;
    private final Path workDir;
    private final boolean jfr;
    private final List<String> extraJvmOptions;
    private int sequence;
    /** Endpoint options appended to the sfstream variants' URIs ({@code --sfstream-options}); empty for the defaults. */
    private final String sfstreamOptions;

    Runner(Classpaths classpaths, Emulator emulator, Path workDir, boolean jfr, List<String> extraJvmOptions,
           String sfstreamOptions) {
        this.sfstreamOptions = sfstreamOptions;
        this.classpaths = classpaths;
        this.emulator = emulator;
        this.workDir = workDir;
        this.jfr = jfr;
        this.extraJvmOptions = extraJvmOptions;
    }

    /** Same heap bound for every consumer, so that peak RSS compares like with like. */
    private List<String> jvmOptions(Variant variant, String runName, boolean profile) {
        List<String> options = new ArrayList<>(List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (variant.isPubSub()) {
            // TLS to the emulator's Pub/Sub API with the JVM's default trust, as camel-salesforce requires
            options.addAll(List.of("-Djavax.net.ssl.trustStore=" + emulator.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + Emulator.TRUST_STORE_PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        options.addAll(extraJvmOptions);
        if (profile) {
            options.add("-XX:StartFlightRecording=filename=" + workDir.resolve(runName + ".jfr")
                + ",settings=profile,dumponexit=true");
            options.add("-Dbench.profiling=true");
        }
        return options;
    }

    ChildProcess start(Variant variant, String mode, String channel, long count, long replayFrom, List<String> extra,
                       boolean profile) throws IOException {
        String runName = String.format("%03d-%s-%s-%d", ++sequence, variant.key, mode, count);
        // a marker left by an earlier invocation would make (d) resume (or be refused by a new emulator) instead of drain
        deleteRecursively(workDir.resolve(runName));
        List<String> args = new ArrayList<>(List.of("--variant", variant.key, "--mode", mode, "--url", emulator.baseUrl(),
            "--channel", channel, "--count", Long.toString(count), "--replay", Long.toString(replayFrom),
            "--store-dir", workDir.resolve(runName).toString()));
        if (variant.isPubSub()) {
            args.addAll(List.of("--pubsub-port", Integer.toString(emulator.pubSubTlsPort())));
        }
        if (!sfstreamOptions.isEmpty()) {
            args.addAll(List.of("--sfstream-options", sfstreamOptions));
        }
        args.addAll(extra);
        return ChildProcess.start(jvmOptions(variant, runName, profile && jfr), classpaths.forVariant(variant),
            "io.sfstream.bench.child.ChildMain", args, workDir.resolve(runName + ".log"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    /** Drains {@code events} retained events of {@code channel} from the beginning (replay -2). */
    Drain drain(Variant variant, String channel, int events, int rep) throws IOException, InterruptedException {
        try (ChildProcess child = start(variant, "throughput", channel, events, -2, List.of(), true)) {
            Map<String, String> result = child.await(120_000 + events, "result", "timeout");
            if (result == null || !"result".equals(result.get("type"))) {
                throw new IllegalStateException("variant " + variant.key + " did not drain " + events + " events of "
                    + channel + " (" + (result == null ? "no result" : "processed " + result.get("processed"))
                    + "); see " + child.log());
            }
            double cpu = child.cpuSeconds();
            double rss = child.peakRssMb();
            child.stop();
            long launched = child.launchedEpochMillis();
            return new Drain(variant, events, rep, Double.parseDouble(result.get("elapsedMs")),
                Double.parseDouble(result.get("drainCpuMs")), cpu, rss,
                Long.parseLong(result.get("firstEventEpochMs")) - launched,
                Long.parseLong(result.get("jvmStartEpochMs")) - launched);
        }
    }
}
