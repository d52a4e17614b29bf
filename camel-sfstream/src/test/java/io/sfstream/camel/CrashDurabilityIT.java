package io.sfstream.camel;

import io.sfstream.camel.internal.delivery.MarkerCommitter;
import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.sfstream.emulator.SalesforceEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash durability as users deploy it: {@link CrashTestApp} runs in its own JVM with the file replay marker store and
 * every other option at its default (no workerId, no strategy, maxPendingCount 100, replayCommitInterval 1s), consumes
 * a channel of the emulator while events are published, is killed with SIGKILL at random points and is restarted at
 * once, as systemd or Kubernetes would. No restart may fail (the dead predecessor's lease is taken at once), each one
 * delivers within 2 s of its route start, every published event is processed at least once, none twice within one
 * process, and the duplicates after each crash stay within the documented bound: the events in flight
 * (maxPendingCount) plus those completed since the last marker flush (replayCommitInterval times the throughput).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CrashDurabilityIT {

    private static final String CHANNEL_PREFIX = "/event/Crash";
    private static final int BURST = 5;
    private static final long BURST_PERIOD_MS = 100;
    private static final int PAYLOAD_BYTES = 200;
    private static final int MIN_GROWTH = 30;
    private static final int MAX_GROWTH = 150;
    /** The defaults the app runs with. */
    private static final int MAX_PENDING_COUNT = 100;
    private static final double COMMIT_INTERVAL_S = 1.0;
    private static final long COMMIT_INTERVAL_NANOS = 1_000_000_000L;
    /** From the route's start (READY) to the first event it processed after a restart. */
    private static final Duration RESUME_WITHIN = Duration.ofSeconds(2);

    private SalesforceEmulator emulator;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Thread publisher;
    private volatile boolean stopPublishing;
    private Path workDir;
    private Path logConfig;

    @BeforeEach
    void setUp() throws IOException {
        emulator = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start();
        workDir = Path.of("target", "crash-it", "run-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(workDir);
        // the child logs, with millisecond timestamps, every event it processed and every marker flush, so a failure
        // (or a duplicate count) can be traced to the timing of flushes and kills
        logConfig = ChildJvm.writeLogConfig(workDir, Map.of("io.sfstream", "INFO", CrashTestApp.class.getName(), "DEBUG",
                FileReplayMarkerStore.class.getName(), "TRACE", MarkerCommitter.class.getName(), "TRACE"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stopPublishing = true;
        synchronized (processes) {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        if (publisher != null) {
            publisher.join(10_000);
        }
        if (emulator != null) {
            emulator.close();
            // the children's logs: no credential or token of this emulator in them
            ChildJvm.assertNoSecretsInLogs(emulator);
        }
    }

    @ParameterizedTest(name = "{0}: {1} kill -9 cycles")
    @CsvSource({ "inorder, 20", "threads, 20", "batch, 10" })
    void everyEventIsProcessedAfterRepeatedKillNineInTheDefaultConfiguration(String mode, int crashes) throws Exception {
        String channel = CHANNEL_PREFIX + mode + System.nanoTime() % 100_000 + "__e";
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path markerFile = workDir.resolve(mode + "-markers.properties");
        Path outputFile = workDir.resolve(mode + "-processed.txt");
        long runStart = System.nanoTime();
        System.out.printf("CrashDurabilityIT[%s]: work dir %s, seed %d%n", mode, workDir, seed);

        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> publishFailure = new AtomicReference<>();
        publisher = new Thread(() -> publish(channel, published, publishFailure), "crash-it-publisher");
        publisher.setDaemon(true);

        List<Integer> cycleStartLines = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Long> resumeMillis = new ArrayList<>();
        for (int crash = 1; crash <= crashes; crash++) {
            int startLines = ConsumerProcesses.countLines(outputFile);
            cycleStartLines.add(startLines);
            int growth = MIN_GROWTH + random.nextInt(MAX_GROWTH - MIN_GROWTH + 1);
            Path log = workDir.resolve(mode + "-app-" + crash + ".log");
            // started at once after the previous instance was killed: no pause for its lease to expire
            Process process = launch(channel, outputFile, markerFile, log, mode);
            long ready = ConsumerProcesses.awaitReady(process, log);
            if (crash == 1) {
                // the default replay is NEW_EVENTS: publish once the first instance subscribed, then all the time
                await("first subscription").atMost(Duration.ofSeconds(20))
                        .until(() -> emulator.counters().subscriptions(channel) >= 1);
                publisher.start();
            }

            AtomicLong firstLineAt = new AtomicLong();
            List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
            await("instance " + crash + " processing " + growth + " events").atMost(Duration.ofSeconds(40))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        ConsumerProcesses.assertAlive(process, log);
                        int lines = ConsumerProcesses.countLines(outputFile) - startLines;
                        samples.add(new long[] { System.nanoTime(), lines });
                        if (lines > 0) {
                            firstLineAt.compareAndSet(0, System.nanoTime());
                        }
                        return lines >= growth;
                    });
            if (crash > 1) {
                resumeMillis.add(TimeUnit.NANOSECONDS.toMillis(firstLineAt.get() - ready));
            }
            long killAt = System.nanoTime();
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed instance %d exits", crash).isTrue();
            assertThat(process.exitValue()).as("instance %d ended by SIGKILL (128 + 9)", crash).isEqualTo(137);
            rates.add(peakRate(samples, COMMIT_INTERVAL_NANOS));
            System.out.printf("CrashDurabilityIT[%s]: crash %d after %d lines in %.2f s; published so far %d%n", mode,
                    crash, ConsumerProcesses.countLines(outputFile) - startLines, (killAt - firstLineAt.get()) / 1e9, published.size());
        }

        stopPublishing = true;
        publisher.join(10_000);
        assertThat(publisher.isAlive()).as("publisher finished").isFalse();
        assertThat(publishFailure.get()).as("publish failure").isNull();
        List<Long> all = List.copyOf(published);
        Set<Long> expected = new HashSet<>(all);
        long lastPublished = all.get(all.size() - 1);

        // the final instance delivers everything not yet processed, then stops gracefully and flushes its marker
        int finalStartLines = ConsumerProcesses.countLines(outputFile);
        cycleStartLines.add(finalStartLines);
        Path finalLog = workDir.resolve(mode + "-app-final.log");
        Process last = launch(channel, outputFile, markerFile, finalLog, mode);
        ConsumerProcesses.awaitReady(last, finalLog);
        // the route forces every line to disk before its exchange completes: on a busy machine a backlog of a few
        // thousand events takes minutes, so the bound is generous and a stuck instance still fails it
        await("every published event in the output").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    ConsumerProcesses.assertAlive(last, finalLog);
                    return new HashSet<>(ConsumerProcesses.readIds(outputFile)).containsAll(expected);
                });
        // a quiet period: nothing more may come (no late replay of an event already processed by this instance)
        int settled = ConsumerProcesses.countLines(outputFile);
        await("no late duplicates").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> ConsumerProcesses.countLines(outputFile) == settled);
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).as("gracefully stopped instance exits").isTrue();
        assertThat(last.exitValue()).as("graceful stop by SIGTERM: 143 (or 0)").isIn(0, 143);
        assertThat(Files.readString(finalLog)).as("shutdown hook ran").contains("STOPPED");

        // ------------------------------------------------------------------ the route's durable output
        List<Long> output = ConsumerProcesses.readIds(outputFile);
        Set<Long> unknown = new LinkedHashSet<>(output);
        unknown.removeAll(expected);
        assertThat(unknown).as("processed ids that were never published (torn or corrupt output lines)").isEmpty();
        Set<Long> lost = new LinkedHashSet<>(expected);
        lost.removeAll(new HashSet<>(output));
        assertThat(lost).as("lost events").isEmpty();

        // duplicates: occurrences beyond the first, attributed to the instance that processed them again; within one
        // instance, none
        Set<Long> seen = new HashSet<>();
        int[] duplicatesPerCycle = new int[cycleStartLines.size()];
        int duplicates = 0;
        for (int cycle = 0; cycle < cycleStartLines.size(); cycle++) {
            int from = cycleStartLines.get(cycle);
            int to = cycle + 1 < cycleStartLines.size() ? cycleStartLines.get(cycle + 1) : output.size();
            Set<Long> withinInstance = new HashSet<>();
            for (int i = from; i < to; i++) {
                long id = output.get(i);
                assertThat(withinInstance.add(id)).as("event %d handed twice within instance %d", id, cycle + 1)
                        .isTrue();
                if (!seen.add(id)) {
                    duplicates++;
                    duplicatesPerCycle[cycle]++;
                }
            }
        }
        assertThat(duplicatesPerCycle[0]).as("no duplicates before the first crash").isZero();
        List<Integer> perCrash = new ArrayList<>();
        for (int i = 1; i < duplicatesPerCycle.length; i++) {
            perCrash.add(duplicatesPerCycle[i]);
        }

        // the documented bound per crash: maxPendingCount + the events completed during one replayCommitInterval, at
        // the peak throughput measured here (over windows of one interval of the output's growth). The margin is one
        // more interval: the flush is scheduled with a fixed delay and snapshots the marker when it starts, so the
        // durable marker may lag by the interval plus the flush's own time; and an instance killed before its first
        // flush leaves the previous instance's unflushed tail to be delivered once more after the next crash.
        double peakRate = rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double documented = MAX_PENDING_COUNT + peakRate * COMMIT_INTERVAL_S;
        double margin = peakRate * COMMIT_INTERVAL_S;
        long boundPerCrash = (long) Math.ceil(documented + margin);
        double runSeconds = (System.nanoTime() - runStart) / 1e9;
        long slowestResume = resumeMillis.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("CrashDurabilityIT SUMMARY [%s]: published=%d crashes=%d failedRestarts=0 lost=0"
                          + " processedLines=%d duplicates=%d perCrash=%s boundPerCrash=%d (maxPending %d + %.0f ev/s *"
                          + " %.1f s, + margin %.1f) resumeMs=%s (max %d) runTime=%.1fs%n",
                mode, all.size(), crashes, output.size(), duplicates, perCrash, boundPerCrash, MAX_PENDING_COUNT,
                peakRate, COMMIT_INTERVAL_S, margin, resumeMillis, slowestResume, runSeconds);
        assertThat(perCrash).as("duplicates after each crash within %d", boundPerCrash)
                .allSatisfy(d -> assertThat((long) d).isLessThanOrEqualTo(boundPerCrash));
        assertThat(resumeMillis).as("from the route's start to its first event, after each restart")
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(RESUME_WITHIN.toMillis()));

        // ------------------------------------------------------------------ the marker file after the graceful stop
        assertThat(markerFile).exists();
        Map<String, ReplayMarker> markers = new HashMap<>();
        for (String line : Files.readAllLines(markerFile, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Map.Entry<String, String> entry = FileReplayMarkerStore.parseLine(line);
            assertThat(markers.put(entry.getKey(), SubscriptionRecord.parse(entry.getKey(), entry.getValue()).marker()))
                    .as("one line per key").isNull();
        }
        assertThat(markers).as("markers in %s", markerFile).containsOnlyKeys(channel);
        assertThat(markers.get(channel).replayId()).as("marker after the graceful stop").isEqualTo(lastPublished);
    }

    /**
     * The highest throughput over any window of at least {@code window} nanoseconds between two samples
     * ({@code [nanoTime, lines]}), in events per second: what one replayCommitInterval can hold at most.
     */
    private static double peakRate(List<long[]> samples, long window) {
        double peak = 0;
        int j = 0;
        for (int i = 0; i < samples.size(); i++) {
            j = Math.max(j, i + 1);
            while (j < samples.size() && samples.get(j)[0] - samples.get(i)[0] < window) {
                j++;
            }
            if (j == samples.size()) {
                break;
            }
            long[] from = samples.get(i);
            long[] to = samples.get(j);
            peak = Math.max(peak, (to[1] - from[1]) * 1e9 / (to[0] - from[0]));
        }
        if (peak == 0 && samples.size() > 1) {
            // the instance ran for less than one window: its average is all there is
            long[] from = samples.get(0);
            long[] to = samples.get(samples.size() - 1);
            peak = (to[1] - from[1]) * 1e9 / Math.max(1, to[0] - from[0]);
        }
        return peak;
    }

    /** Publishes BURST events every BURST_PERIOD_MS until told to stop: events arrive all the time, crashes too. */
    private void publish(String channel, List<Long> published, AtomicReference<Throwable> failure) {
        try {
            while (!stopPublishing) {
                published.addAll(emulator.publish(channel, BURST, PAYLOAD_BYTES));
                // pacing the publisher, not waiting for a condition
                Thread.sleep(BURST_PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private Process launch(String channel, Path outputFile, Path markerFile, Path log, String mode) throws IOException {
        Process process = ChildJvm.start(CrashTestApp.class, "256m", logConfig, log, emulator.baseUrl(), channel,
                markerFile.toString(), outputFile.toString(), mode);
        processes.add(process);
        return process;
    }


}
