package io.sfstream.camel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.SalesforceEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A random-fault soak of what users run: {@link CrashTestApp} in its own JVM, file store, every other option at its
 * default, consuming while events are published at 50/s, for {@code sfstream.soak.seconds} (150 in the default build;
 * longer runs: see the README). Every 2 to 5 s one fault: a soft session drop (sessions forgotten, a server
 * disconnect), a hard one (an outage that closes the port, a server restart), expired tokens, 5xx answers, HTML
 * pages, a stalled request, a response cut off after it took events, a refused subscribe, or {@code kill -9} of the
 * consumer, restarted at once. In the end: nothing lost, nothing handed twice within one process, and after each kill
 * at most the documented duplicates (maxPendingCount plus what completed since the last marker flush).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RandomFaultSoakIT {

    private static final String CHANNEL = "/event/RandomSoak__e";
    private static final int MAX_PENDING_COUNT = 100;
    /** Completed since the last flush: one replayCommitInterval (1s) plus the flush's own lag, at the rate measured. */
    private static final Duration UNFLUSHED_WINDOW = Duration.ofSeconds(2);

    private SalesforceEmulator emulator;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private Path workDir;
    private Path logConfig;

    @BeforeEach
    void setUp() throws IOException {
        emulator = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start();
        workDir = Path.of("target", "soak-it", "run-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(workDir);
        logConfig = ChildJvm.writeLogConfig(workDir, Map.of("io.sfstream", "INFO"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        synchronized (processes) {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void randomFaultsAndKillNineLoseNothing() throws Exception {
        Duration length = Duration.ofSeconds(Long.getLong("sfstream.soak.seconds", 150));
        long seed = Long.getLong("sfstream.soak.seed", System.nanoTime());
        Random random = new Random(seed);
        Path markerFile = workDir.resolve("markers.properties");
        Path outputFile = workDir.resolve("processed.txt");
        System.out.printf("RandomFaultSoakIT: %s with seed %d in %s%n", length, seed, workDir);

        List<Integer> instanceStartLines = new ArrayList<>();
        instanceStartLines.add(0);
        Process consumer = launch(outputFile, markerFile, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> emulator.counters().subscriptions(CHANNEL) >= 1);

        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        // the route's progress over time, to bound the duplicates of each kill by what completed just before it
        List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        background.scheduleAtFixedRate(() -> published.addAll(emulator.publish(CHANNEL, 5, 200)), 0, 100,
                TimeUnit.MILLISECONDS);
        background.scheduleAtFixedRate(() -> progress.add(new long[] { System.nanoTime(),
                ConsumerProcesses.countLines(outputFile) }), 0, 20, TimeUnit.MILLISECONDS);

        Map<String, Integer> faults = new LinkedHashMap<>();
        List<long[]> kills = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try {
            while (System.nanoTime() < end) {
                // the pace of the faults, not a wait for a condition
                Thread.sleep(2000 + random.nextInt(3000));
                ConsumerProcesses.assertAlive(consumer, workDir.resolve("app-" + instanceStartLines.size() + ".log"));
                int fault = random.nextInt(11);
                String name = switch (fault) {
                    case 0 -> { emulator.dropAllSessions(); yield "session forgotten"; }
                    case 1 -> { emulator.sendServerDisconnect(); yield "server disconnect"; }
                    case 2 -> { outage(Duration.ofMillis(1000 + random.nextInt(4000))); yield "outage"; }
                    case 3 -> { emulator.restart(); yield "server restart"; }
                    case 4 -> { emulator.expireTokens(); yield "tokens expired"; }
                    case 5 -> { emulator.faults().failNextRequests(1 + random.nextInt(3), 500 + random.nextInt(4));
                        yield "5xx"; }
                    case 6 -> { emulator.faults().htmlNextRequests(1 + random.nextInt(3), 502); yield "HTML page"; }
                    case 7 -> { emulator.faults().stallNextRequests(1, Duration.ofMillis(500 + random.nextInt(2000)));
                        yield "stall"; }
                    case 8 -> { emulator.faults().cutNextEventResponses(1); yield "response cut off"; }
                    case 9 -> { emulator.faults().failNextSubscribes(1, "503::Server is too busy");
                        emulator.dropAllSessions(); yield "subscribe refused"; }
                    default -> {
                        long killAt = System.nanoTime();
                        consumer.destroyForcibly();
                        assertThat(consumer.waitFor(10, TimeUnit.SECONDS)).isTrue();
                        int linesAtKill = ConsumerProcesses.countLines(outputFile);
                        kills.add(new long[] { killAt, linesAtKill });
                        instanceStartLines.add(linesAtKill);
                        // restarted at once, as systemd or Kubernetes would
                        consumer = launch(outputFile, markerFile, instanceStartLines.size());
                        yield "kill -9";
                    }
                };
                faults.merge(name, 1, Integer::sum);
            }
        } finally {
            background.shutdownNow();
            background.awaitTermination(10, TimeUnit.SECONDS);
            emulator.faults().reset();
            emulator.endOutage();
        }
        Path lastLog = workDir.resolve("app-" + instanceStartLines.size() + ".log");
        Process last = consumer;
        Set<Long> expected = new HashSet<>(published);
        await("every published event processed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ConsumerProcesses.assertAlive(last, lastLog);
                    return new HashSet<>(ConsumerProcesses.readIds(outputFile)).containsAll(expected);
                });
        int settled = ConsumerProcesses.countLines(outputFile);
        await("no late duplicates").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> ConsumerProcesses.countLines(outputFile) == settled);
        last.destroy();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<Long> output = ConsumerProcesses.readIds(outputFile);
        Set<Long> lost = new LinkedHashSet<>(expected);
        lost.removeAll(new HashSet<>(output));
        assertThat(lost).as("lost events (seed %d)", seed).isEmpty();
        // within one instance none twice, and the order of the channel is kept
        List<Integer> duplicatesPerKill = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int instance = 0; instance < instanceStartLines.size(); instance++) {
            int from = instanceStartLines.get(instance);
            int to = instance + 1 < instanceStartLines.size() ? instanceStartLines.get(instance + 1) : output.size();
            long previous = Long.MIN_VALUE;
            int duplicates = 0;
            for (int i = from; i < to; i++) {
                long id = output.get(i);
                assertThat(id).as("instance %d hands the channel in order, none twice (seed %d)", instance + 1, seed)
                        .isGreaterThan(previous);
                previous = id;
                duplicates += seen.add(id) ? 0 : 1;
            }
            if (instance > 0) {
                duplicatesPerKill.add(duplicates);
            }
        }
        List<Long> bounds = new ArrayList<>();
        for (long[] kill : kills) {
            bounds.add(MAX_PENDING_COUNT + completedWithin(progress, kill[0], UNFLUSHED_WINDOW));
        }
        System.out.printf("RandomFaultSoakIT SUMMARY: %d s, seed %d, published=%d lost=0 faults=%s kills=%d"
                          + " restartsFailed=0 duplicatesPerKill=%s bounds=%s%n", length.toSeconds(), seed,
                expected.size(), faults, kills.size(), duplicatesPerKill, bounds);
        for (int i = 0; i < duplicatesPerKill.size(); i++) {
            assertThat((long) duplicatesPerKill.get(i)).as("duplicates after kill %d (seed %d)", i + 1, seed)
                    .isLessThanOrEqualTo(bounds.get(i));
        }
    }

    /** Lines the route completed in the {@code window} before {@code at}, from the progress samples. */
    private static long completedWithin(List<long[]> progress, long at, Duration window) {
        long from = at - window.toNanos();
        long before = 0;
        long atKill = 0;
        synchronized (progress) {
            for (long[] sample : progress) {
                if (sample[0] <= from) {
                    before = sample[1];
                }
                if (sample[0] <= at) {
                    atKill = sample[1];
                }
            }
        }
        return atKill - before;
    }

    private void outage(Duration length) throws InterruptedException {
        emulator.beginOutage();
        try {
            // the outage's length is the fault itself
            Thread.sleep(length.toMillis());
        } finally {
            emulator.endOutage();
        }
    }

    private Process launch(Path outputFile, Path markerFile, int instance) throws IOException {
        Path log = workDir.resolve("app-" + instance + ".log");
        Process process = ChildJvm.start(CrashTestApp.class, "256m", logConfig, log, emulator.baseUrl(), CHANNEL,
                markerFile.toString(), outputFile.toString(), "inorder");
        processes.add(process);
        ConsumerProcesses.awaitReady(process, log);
        return process;
    }
}
