package io.sfstream.camel;

import io.sfstream.camel.internal.worker.LeaseKeeper;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sfstream.emulator.SalesforceEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The worker-strategy scenarios of issue 6, run against one shared replay store by workers in separate JVMs
 * ({@link WorkerApp}) consuming one channel of the emulator (in this JVM) while events are published. A subclass
 * provides the store: {@link HazelcastWorkerStrategiesIT} (an IMap of a Hazelcast cluster whose members run in their
 * own JVMs), {@link FileWorkerStrategiesIT} (a marker file on this host).
 * <p>
 * Every worker writes its own output file, one line per event start and end ({@code <epochMillis> <workerId>
 * <replayId> start|end}), from which the scenarios check who processed what and when. All processes run on this host,
 * so their epoch milliseconds share one clock.
 */
abstract class WorkerStrategiesScenarios {

    static final long LEASE_MS = 2_000;
    /** Takeover after the holder died: its lease runs out, then the standby's next poll (lease/3) takes it. */
    static final long TAKEOVER_BOUND_MS = LEASE_MS + 3_000;
    /**
     * How long a holder displaced by TAKE_OVER may go on (README, "Several workers"): it notices at its next marker
     * commit or its next renewal (every lease/3), whichever comes first, plus one store round trip; margin for a loaded
     * 2-core machine running several JVMs. Below the lease: a holder that only noticed when its lease ran out fails it.
     */
    static final long DISPLACED_NOTICE_BOUND_MS = LEASE_MS / 3 + 600;
    /** The route's work per event in the TAKE_OVER scenario: the displaced holder finishes the event it started. */
    private static final long TAKE_OVER_PROCESS_MS = 10;
    private static final int BURST = 4;
    private static final long BURST_PERIOD_MS = 50;

    private SalesforceEmulator emulator;
    private final List<Worker> workers = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> published = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Throwable> publishFailure = new AtomicReference<>();
    private volatile boolean publishing;
    private Thread publisher;
    protected Path workDir;
    private Path logConfig;
    protected String channel;

    /** The WorkerApp store argument: {@code file:<path>} or {@code hazelcast:<cluster>:<addresses>}. */
    protected abstract String storeSpec();

    /** The record of the key as the store holds it now (read directly, not through a worker). */
    protected abstract Optional<SubscriptionRecord> readRecord(String key);

    /**
     * Whether a worker frozen by SIGSTOP right now blocks every other worker's access to the store (it froze inside a
     * critical section of the store, e.g. holding the file store's OS lock); the fencing scenario freezes again then.
     */
    protected boolean frozenWorkerBlocksStore() {
        return false;
    }

    @BeforeEach
    void startEmulator(TestInfo info) throws IOException {
        emulator = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start();
        String method = info.getTestMethod().orElseThrow().getName();
        // a parameterized test's display name tells its invocations apart
        String test = method + (info.getDisplayName().startsWith(method) ? ""
                : info.getDisplayName().replaceAll("[^A-Za-z0-9]", ""));
        // a channel (so a subscription key) of its own per test: the grid outlives a test
        channel = "/event/" + test.replaceAll("[^A-Za-z0-9]", "") + System.nanoTime() % 100_000 + "__e";
        workDir = Path.of("target", "workers-it", getClass().getSimpleName(), test + "-" + System.currentTimeMillis())
                .toAbsolutePath();
        Files.createDirectories(workDir);
        logConfig = ChildJvm.writeLogConfig(workDir,
                Map.of(LeaseKeeper.class.getName(), "DEBUG", "io.sfstream", "INFO"));
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        publishing = false;
        synchronized (workers) {
            for (Worker worker : workers) {
                // SIGKILL ends a process stopped by SIGSTOP too
                worker.process.destroyForcibly();
            }
            for (Worker worker : workers) {
                worker.process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (publisher != null) {
            publisher.join(10_000);
        }
        if (emulator != null) {
            emulator.close();
            // the workers logged in with the emulator's credentials and tokens: none of it may show in their output
            ChildJvm.assertNoSecretsInLogs(emulator);
        }
    }

    // ================================================================== scenarios

    @Test
    void openIfFreeSecondInstanceFailsToStartNamingTheHolder() throws Exception {
        Worker a = launch("a", WorkerStrategy.OPEN_IF_FREE, 200, 5);
        assertThat(awaitReady(a)).as("first instance's lease state").endsWith(" HOLDING");
        startPublishing();
        awaitProcessed(a, 10);

        Worker b = launch("b", WorkerStrategy.OPEN_IF_FREE, 200, 5);
        if (storeProvesHolders()) {
            // the store proves a alive: b fails to start at once
            String failed = awaitLine(b, "START_FAILED ", Duration.ofSeconds(30), true);
            assertThat(failed).as("the second instance's start failure")
                    .contains("START_FAILED SubscriptionInUseException holder=a ")
                    .contains("held by worker a");
            assertThat(b.process.waitFor(10, TimeUnit.SECONDS)).as("failed instance exits").isTrue();
            assertThat(b.process.exitValue()).isEqualTo(3);
            assertThat(appLine(b, "READY ")).as("READY of the failed instance").isNull();
        } else {
            // the store cannot tell a live holder from a dead one: b starts, waits out a's lease, and stops consuming
            // with the same exception once a renews it; the application is not ended for it
            assertThat(awaitReady(b)).as("second instance waits").endsWith(" STANDBY");
            String lost = awaitLine(b, "LOST ", Duration.ofSeconds(30), false);
            assertThat(lost).as("the second instance's refusal")
                    .contains("LOST SubscriptionInUseException holder=a ")
                    .contains("held by worker a").contains("renewed");
            b.process.destroy();
            assertThat(b.process.waitFor(30, TimeUnit.SECONDS)).as("refused instance stops gracefully").isTrue();
        }
        assertThat(lines(b)).as("events processed by the instance that could not start").isEmpty();

        // the failure was the holder's doing: once it leaves gracefully, a new start of the same kind succeeds and
        // continues from its marker
        a.process.destroy();
        assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).as("gracefully stopped holder exits").isTrue();
        assertThat(appLine(a, "STOPPED")).as("graceful stop of a").isNotNull();
        Worker b2 = launch("b2", WorkerStrategy.OPEN_IF_FREE, 200, 5);
        assertThat(awaitReady(b2)).endsWith(" HOLDING");
        List<Long> all = stopPublishing();
        awaitAllProcessed(all, a, b2);
        assertThat(lines(a)).as("a processed events").isNotEmpty();
    }

    /**
     * Whether the store can prove a holder's process alive or dead (the file store can; a data grid's map cannot), which
     * decides what OPEN_IF_FREE does against a live holder.
     */
    protected abstract boolean storeProvesHolders();

    @Test
    void waitForFreeStandbyTakesOverAfterKillNineWithoutOverlap() throws Exception {
        Worker a = launch("a", WorkerStrategy.WAIT_FOR_FREE, 200, 10);
        assertThat(awaitReady(a)).endsWith(" HOLDING");
        startPublishing();
        Worker b = launch("b", WorkerStrategy.WAIT_FOR_FREE, 200, 10);
        assertThat(awaitReady(b)).as("second instance stands by").endsWith(" STANDBY");
        awaitProcessed(a, 40);
        assertThat(lines(b)).as("events processed by the standby while the holder lives").isEmpty();

        long killedAt = System.currentTimeMillis();
        a.process.destroyForcibly();
        assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.process.exitValue()).as("SIGKILL").isEqualTo(137);
        // what a made durable before it died; nobody moves it until b holds the lease
        long committedByA = storedReplayId();

        String holding = awaitLine(b, "STATE HOLDING", Duration.ofMillis(TAKEOVER_BOUND_MS + 5_000), false);
        long takeover = epochMillis(holding) - killedAt;
        System.out.printf("%s: standby took over %d ms after kill -9 (lease %d ms)%n", getClass().getSimpleName(),
                takeover, LEASE_MS);
        assertThat(takeover).as("takeover after kill -9 (ms)").isLessThanOrEqualTo(TAKEOVER_BOUND_MS);
        awaitProcessed(b, 20);

        List<Long> all = stopPublishing();
        awaitAllProcessed(all, a, b);

        List<Interval> intervals = new ArrayList<>(intervals(a, killedAt));
        List<Interval> ofB = intervals(b, Long.MAX_VALUE);
        assertThat(ofB).as("b's events all ended").allSatisfy(i -> assertThat(i.end).isLessThan(Long.MAX_VALUE));
        // a held the subscription until it died: b started nothing while a lived
        assertThat(ofB.get(0).start).as("b's first event start vs kill time").isGreaterThanOrEqualTo(killedAt);
        intervals.addAll(ofB);
        assertNoOverlap(intervals);
        assertThat(ofB.get(0).replayId).as("b continues right after a's committed marker %d", committedByA)
                .isEqualTo(firstAfter(all, committedByA));
    }

    @ParameterizedTest(name = "holder {0}")
    @EnumSource(value = WorkerStrategy.class, names = { "OPEN_IF_FREE", "WAIT_FOR_FREE" })
    void takeOverDisplacesTheHolderAndFailsAgainstTakeOver(WorkerStrategy holderStrategy) throws Exception {
        Worker holder = launch("holder", holderStrategy, 200, TAKE_OVER_PROCESS_MS);
        assertThat(awaitReady(holder)).endsWith(" HOLDING");
        startPublishing();
        awaitProcessed(holder, 20);

        Worker taker = launch("taker", WorkerStrategy.TAKE_OVER, 200, TAKE_OVER_PROCESS_MS);
        String ready = awaitReady(taker);
        assertThat(ready).as("TAKE_OVER newcomer").endsWith(" HOLDING");
        long takenAt = tookOverAt(taker, epochMillis(ready));
        // the holder notices at its next commit or renewal (lease/3)
        String lost = awaitLine(holder, "LOST ", Duration.ofMillis(LEASE_MS + 3_000), false);
        assertThat(lost).contains("LOST SubscriptionInUseException holder=taker ");
        long lostAt = epochMillis(lost);
        assertThat(lostAt - takenAt).as("ms from the takeover until the displaced holder noticed (bound %d)",
                DISPLACED_NOTICE_BOUND_MS).isLessThanOrEqualTo(DISPLACED_NOTICE_BOUND_MS);
        awaitLine(holder, "STATE LOST", Duration.ofSeconds(5), false);

        Worker taker2 = launch("taker2", WorkerStrategy.TAKE_OVER, 200, 10);
        String failed = awaitLine(taker2, "START_FAILED ", Duration.ofSeconds(30), true);
        assertThat(failed).contains("START_FAILED SubscriptionInUseException holder=taker ").contains("TAKE_OVER too");
        assertThat(taker2.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(taker2.process.exitValue()).isEqualTo(3);
        assertThat(lines(taker2)).as("events processed by the refused TAKE_OVER newcomer").isEmpty();

        List<Long> all = stopPublishing();
        awaitAllProcessed(all, holder, taker);
        assertThat(appLine(taker, "LOST ")).as("taker keeps the subscription").isNull();
        assertThat(holder.process.isAlive()).as("displaced holder's JVM still runs (it only stopped consuming)")
                .isTrue();
        // until the holder notices, both may process: the markers stay safe (fenced), the events of that window may be
        // processed twice. The holder starts nothing after it noticed and finishes the event it had started, so it
        // processes nothing later than the notice bound plus one event's work after the takeover.
        List<Line> afterLoss = lines(holder).stream().filter(l -> l.start && l.millis > lostAt).toList();
        assertThat(afterLoss).as("events the displaced holder started after reporting the loss").isEmpty();
        long takerFirstStart = lines(taker).stream().filter(l -> l.start).findFirst().orElseThrow().millis;
        long holderLastEnd = lines(holder).stream().filter(l -> !l.start).mapToLong(Line::millis).max().orElseThrow();
        long overlap = Math.max(0, holderLastEnd - Math.max(takenAt, takerFirstStart));
        long inWindow = lines(holder).stream().filter(l -> l.start && l.millis >= takerFirstStart).count();
        System.out.printf("%s: displaced %s holder noticed %d ms after the takeover; it processed until %d ms after the"
                          + " takeover, %d ms into the newcomer's processing, starting %d events since its first%n",
                getClass().getSimpleName(), holderStrategy, lostAt - takenAt, holderLastEnd - takenAt, overlap,
                inWindow);
        assertThat(holderLastEnd - takenAt).as("ms the displaced holder processed after the takeover")
                .isLessThanOrEqualTo(DISPLACED_NOTICE_BOUND_MS + TAKE_OVER_PROCESS_MS + 100);
        assertThat(lines(taker).stream().filter(l -> l.start).map(l -> l.replayId).max(Long::compare))
                .as("the new holder reached the last event").contains(all.get(all.size() - 1));
        await("the new holder's final marker in the store").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> readRecord(channel).map(r -> r.marker() != null
                        && r.marker().replayId() == all.get(all.size() - 1)
                        && r.lease().workerId().equals("taker")).orElse(false));
    }

    @Test
    void frozenHolderCannotCommitAfterItsLeaseWasTaken() throws Exception {
        // a's marker is written only every 2 s, so at the freeze it has completed events whose marker it still holds
        // in memory: without fencing it would write that older marker over b's when it resumes
        Worker a = launch("a", WorkerStrategy.WAIT_FOR_FREE, 2_000, 10);
        assertThat(awaitReady(a)).endsWith(" HOLDING");
        startPublishing();
        Worker b = launch("b", WorkerStrategy.WAIT_FOR_FREE, 1_000, 5);
        assertThat(awaitReady(b)).endsWith(" STANDBY");
        awaitProcessed(a, 30);

        // freeze a while it has completed-but-unwritten events (and not inside the store's critical section)
        long frozenAt = 0;
        long aCompleted = -1;
        long storedAtFreeze = -1;
        int attempts = 0;
        for (int attempt = 1; attempt <= 10 && frozenAt == 0; attempt++) {
            attempts = attempt;
            await("a completes events beyond the stored marker").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> secondLastEnd(a) > storedReplayId());
            signal(a, "STOP");
            long at = System.currentTimeMillis();
            long completed = secondLastEnd(a);
            long stored = storedReplayId();
            if (completed > stored && !frozenWorkerBlocksStore()) {
                frozenAt = at;
                aCompleted = completed;
                storedAtFreeze = stored;
            } else {
                signal(a, "CONT");
            }
        }
        assertThat(frozenAt).as("froze a with uncommitted completed events").isPositive();
        System.out.printf("%s: froze a (attempt %d) with events completed up to %d, marker stored %d%n",
                getClass().getSimpleName(), attempts, aCompleted, storedAtFreeze);

        String holding = awaitLine(b, "STATE HOLDING", Duration.ofMillis(TAKEOVER_BOUND_MS + 5_000), false);
        assertThat(epochMillis(holding) - frozenAt).as("takeover after the freeze (ms)")
                .isLessThanOrEqualTo(TAKEOVER_BOUND_MS);
        // b commits past everything a completed: a's unwritten marker is now older than the stored one
        long completedByA = aCompleted;
        await("b's marker past a's completed events").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> readRecord(channel).filter(r -> r.lease().workerId().equals("b") && r.marker() != null
                        && r.marker().replayId() > completedByA).isPresent());
        long floor = storedReplayId();
        long lastPublishedBeforeResume = published.stream().mapToLong(Long::longValue).max().orElseThrow();

        long resumedAt = System.currentTimeMillis();
        signal(a, "CONT");
        // sample the store until a has reported the loss and one more of its commit intervals has passed: its overdue
        // commit runs at once on resume, so an unfenced write would show here as a marker below b's
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        AtomicLong highest = new AtomicLong(floor);
        Set<String> regressions = Collections.synchronizedSet(new LinkedHashSet<>());
        AtomicLong lostAt = new AtomicLong();
        await("a reports the loss, then 2.5 s of store samples").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    SubscriptionRecord record = readRecord(channel).orElseThrow();
                    long replayId = record.marker().replayId();
                    lowest.accumulateAndGet(replayId, Math::min);
                    if (replayId < highest.get()) {
                        regressions.add(record + " after " + highest.get());
                    }
                    highest.accumulateAndGet(replayId, Math::max);
                    if (!record.lease().workerId().equals("b")) {
                        regressions.add("lease left b: " + record);
                    }
                    if (lostAt.get() == 0 && appLine(a, "LOST ") != null) {
                        lostAt.set(System.currentTimeMillis());
                    }
                    return lostAt.get() != 0 && System.currentTimeMillis() - lostAt.get() > 2_500;
                });
        System.out.printf("%s: after resume the stored marker stayed within [%d, %d]; b's marker before the resume %d,"
                          + " a's unwritten %d%n", getClass().getSimpleName(), lowest.get(), highest.get(), floor,
                aCompleted);
        assertThat(regressions).as("marker regressions or lease changes after a resumed").isEmpty();
        assertThat(lowest.get()).as("lowest stored marker after the resume").isGreaterThanOrEqualTo(floor);

        String lost = awaitLine(a, "LOST ", Duration.ofSeconds(1), false);
        assertThat(lost).contains("LOST SubscriptionInUseException holder=b ");
        assertThat(appLine(a, "STATE LOST")).as("a's lease state").isNotNull();

        List<Long> all = stopPublishing();
        awaitAllProcessed(all, a, b);
        List<Line> aAfterResume = lines(a).stream().filter(l -> l.start && l.millis >= resumedAt).toList();
        assertThat(aAfterResume).as("events a started after the resume").isEmpty();
        assertThat(lines(a).stream().filter(l -> l.replayId > lastPublishedBeforeResume).toList())
                .as("events published after the resume processed by a").isEmpty();
        assertThat(lines(b).get(0).replayId).as("b continues right after a's last written marker %d", storedAtFreeze)
                .isEqualTo(firstAfter(all, storedAtFreeze));
    }

    // ================================================================== workers

    record Worker(String id, Process process, Path log, Path output) {
        String stdout() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    record Line(long millis, String workerId, long replayId, boolean start) {
    }

    record Interval(String workerId, long replayId, long start, long end) {
    }

    Worker launch(String workerId, WorkerStrategy strategy, long commitMillis, long processMillis) throws IOException {
        Path log = workDir.resolve(workerId + ".log");
        Path output = workDir.resolve(workerId + ".out");
        Process process = ChildJvm.start(WorkerApp.class, "192m", logConfig, log, emulator.baseUrl(), channel, workerId,
                strategy.name(), String.valueOf(LEASE_MS), String.valueOf(commitMillis), String.valueOf(processMillis),
                storeSpec(), output.toString());
        Worker worker = new Worker(workerId, process, log, output);
        workers.add(worker);
        return worker;
    }

    /** The READY line: {@code <millis> READY <pid> <leaseState>}. */
    static String awaitReady(Worker worker) {
        return awaitLine(worker, "READY ", Duration.ofSeconds(40), false);
    }

    /**
     * The first line the app itself printed ({@code <epochMillis> <prefix>...}, not a log line) starting with the
     * prefix; fails early if the worker died unexpectedly.
     */
    static String awaitLine(Worker worker, String prefix, Duration atMost, boolean mayExit) {
        AtomicReference<String> found = new AtomicReference<>();
        await(worker.id + ": '" + prefix + "'").atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    boolean alive = worker.process.isAlive();
                    String line = appLine(worker, prefix);
                    if (line != null) {
                        found.set(line);
                        return true;
                    }
                    if (!alive && !mayExit) {
                        fail("Worker " + worker.id + " exited (" + worker.process.exitValue() + ") before '" + prefix
                             + "'; its log " + worker.log + ":\n" + worker.stdout());
                    }
                    return false;
                });
        return found.get();
    }

    /**
     * When the TAKE_OVER worker took the lease: the epoch milliseconds of its LeaseKeeper's "took ... over" log line
     * (HH:mm:ss.SSS of this host's zone, on the day of {@code nearMillis}).
     */
    static long tookOverAt(Worker worker, long nearMillis) {
        Matcher matcher = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*Worker " + Pattern.quote(worker.id)
                                          + " took .* over from ", Pattern.MULTILINE).matcher(worker.stdout());
        if (!matcher.find()) {
            fail("No 'Worker " + worker.id + " took ... over from' line (LeaseKeeper, INFO) in " + worker.log + ":\n"
                 + worker.stdout());
        }
        ZoneId zone = ZoneId.systemDefault();
        LocalDate day = Instant.ofEpochMilli(nearMillis).atZone(zone).toLocalDate();
        long millis = LocalTime.parse(matcher.group(1)).atDate(day).atZone(zone).toInstant().toEpochMilli();
        // the log line and nearMillis on both sides of midnight
        long day0 = Duration.ofDays(1).toMillis();
        return millis - nearMillis > day0 / 2 ? millis - day0 : nearMillis - millis > day0 / 2 ? millis + day0 : millis;
    }

    /** The first line the app printed starting with the prefix after its timestamp, or null. */
    static String appLine(Worker worker, String prefix) {
        Pattern pattern = Pattern.compile("^\\d{13} " + Pattern.quote(prefix) + ".*$", Pattern.MULTILINE);
        Matcher matcher = pattern.matcher(worker.stdout());
        return matcher.find() ? matcher.group() : null;
    }

    static long epochMillis(String stdoutLine) {
        return Long.parseLong(stdoutLine.substring(0, stdoutLine.indexOf(' ')));
    }

    static void awaitProcessed(Worker worker, int events) {
        await(worker.id + " processes " + events + " events").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!worker.process.isAlive()) {
                        fail("Worker " + worker.id + " exited:\n" + worker.stdout());
                    }
                    return lines(worker).stream().filter(l -> !l.start).count() >= events;
                });
    }

    static void awaitAllProcessed(List<Long> all, Worker... by) {
        Set<Long> expected = new HashSet<>(all);
        assertThat(expected).as("published").isNotEmpty();
        await("every published event processed (ended) at least once").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Set<Long> ended = new HashSet<>();
                    for (Worker worker : by) {
                        lines(worker).stream().filter(l -> !l.start).forEach(l -> ended.add(l.replayId));
                    }
                    return ended.containsAll(expected);
                });
        Set<Long> seen = new HashSet<>();
        for (Worker worker : by) {
            lines(worker).forEach(l -> seen.add(l.replayId));
        }
        assertThat(expected).as("processed ids are published ids").containsAll(seen);
    }

    /** The complete lines of the worker's output, in order. */
    static List<Line> lines(Worker worker) {
        String text;
        try {
            text = Files.readString(worker.output, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Line> lines = new ArrayList<>();
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return lines;
        }
        for (String line : text.substring(0, end).split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length != 4 || !parts[1].equals(worker.id)
                || !(parts[3].equals("start") || parts[3].equals("end"))) {
                fail("Corrupt line in " + worker.output + ": '" + line + "'");
            }
            lines.add(new Line(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]), parts[3].equals("start")));
        }
        return lines;
    }

    /**
     * The worker's processing intervals. A worker processes one event at a time, so every start is followed by its
     * end; an event started but never ended (the worker was killed in it) ends at {@code diedAt}.
     */
    static List<Interval> intervals(Worker worker, long diedAt) {
        List<Interval> intervals = new ArrayList<>();
        Line open = null;
        for (Line line : lines(worker)) {
            if (line.start) {
                assertThat(open).as("%s started %d before ending the previous event", worker.id, line.replayId)
                        .isNull();
                open = line;
            } else {
                assertThat(open).as("%s ended %d without starting it", worker.id, line.replayId).isNotNull();
                assertThat(line.replayId).isEqualTo(open.replayId);
                intervals.add(new Interval(worker.id, open.replayId, open.millis, line.millis));
                open = null;
            }
        }
        if (open != null) {
            intervals.add(new Interval(worker.id, open.replayId, open.millis, diedAt));
        }
        return intervals;
    }

    /** No two intervals of different workers overlap (touching at one millisecond is not overlapping). */
    static void assertNoOverlap(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(Interval::start).thenComparingLong(Interval::end));
        Interval reach = null;
        for (Interval interval : sorted) {
            if (reach != null && !reach.workerId.equals(interval.workerId) && interval.start < reach.end) {
                fail("Two workers processed at the same time: " + reach + " and " + interval);
            }
            if (reach == null || interval.end >= reach.end) {
                reach = interval;
            }
        }
    }

    /** The replayId of the second-to-last event the worker completed (the last one's marker may not be recorded). */
    static long secondLastEnd(Worker worker) {
        List<Line> ends = lines(worker).stream().filter(l -> !l.start).toList();
        return ends.size() < 2 ? -1 : ends.get(ends.size() - 2).replayId;
    }

    /** The first published replayId after the given one: where a subscription resuming from that marker starts. */
    static long firstAfter(List<Long> published, long replayId) {
        return published.stream().filter(id -> id > replayId).findFirst().orElseThrow();
    }

    long storedReplayId() {
        return readRecord(channel).map(SubscriptionRecord::marker).map(ReplayMarker::replayId).orElse(-1L);
    }

    static void signal(Worker worker, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(worker.process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, worker.id).isZero();
    }

    // ================================================================== publishing

    /** Publishes a small burst every 50 ms until {@link #stopPublishing()}. */
    void startPublishing() {
        publishing = true;
        publisher = new Thread(() -> {
            try {
                while (publishing) {
                    published.addAll(emulator.publish(channel, BURST, 100));
                    // pacing the publisher, not waiting for a condition
                    Thread.sleep(BURST_PERIOD_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                publishFailure.set(t);
            }
        }, "workers-it-publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    /** Stops publishing; every event published, in order. */
    List<Long> stopPublishing() throws InterruptedException {
        publishing = false;
        publisher.join(10_000);
        assertThat(publisher.isAlive()).isFalse();
        assertThat(publishFailure.get()).as("publish failure").isNull();
        return List.copyOf(published);
    }
}
