package io.sfstream.camel.internal.worker;

import io.sfstream.camel.MutableClock;

import io.sfstream.camel.ManualScheduler;
import io.sfstream.camel.SubscriptionInUseException;
import io.sfstream.camel.WorkerStrategy;
import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.InMemoryReplayMarkerStore;
import io.sfstream.camel.replay.MapReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease protocol on an atomic store, with a clock and a scheduler the test drives: who may take a subscription,
 * when a standby takes over, and that a worker that lost its lease can never commit a marker.
 */
class LeaseKeeperTest {

    private static final String KEY = "/event/Order__e";
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Map<String, String> map = new ConcurrentHashMap<>();
    private final MapReplayMarkerStore store = new MapReplayMarkerStore(map);

    /** What a keeper told its consumer. */
    private static final class Events implements LeaseKeeper.Listener {
        final List<SubscriptionLease> acquired = new ArrayList<>();
        final List<SubscriptionInUseException> lost = new ArrayList<>();

        @Override
        public void acquired(SubscriptionLease lease) {
            acquired.add(lease);
        }

        @Override
        public void lost(SubscriptionInUseException cause) {
            lost.add(cause);
        }
    }

    private LeaseKeeper keeper(String workerId, WorkerStrategy strategy, Events events) {
        return new LeaseKeeper(KEY, workerId, strategy, LEASE, store, clock, scheduler, events);
    }

    private SubscriptionRecord stored() {
        return SubscriptionRecord.parse(KEY, map.get(KEY));
    }

    @Test
    void openIfFreeTakesAFreeSubscriptionWithEpochOneAndKeepsTheMarker() {
        map.put(KEY, ReplayMarker.of(42).format());
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events());

        assertThat(a.start()).isTrue();

        assertThat(a.state()).isEqualTo(LeaseKeeper.State.HOLDING);
        assertThat(stored().marker()).isEqualTo(ReplayMarker.of(42));
        assertThat(stored().lease()).isEqualTo(new SubscriptionLease("a", 1, WorkerStrategy.OPEN_IF_FREE,
                clock.instant().plus(LEASE)));
        assertThat(map.get(KEY)).isEqualTo("42;lease=a,1,OPEN_IF_FREE,2026-11-21T10:00:30Z");
    }

    @Test
    void openIfFreeOnAStoreThatCannotProveAHolderAliveWaitsThenRefusesOnceTheHolderRenews() {
        keeper("a", WorkerStrategy.WAIT_FOR_FREE, new Events()).start();
        Events bEvents = new Events();
        LeaseKeeper b = keeper("b", WorkerStrategy.OPEN_IF_FREE, bEvents);

        // the map cannot tell a live holder from this instance's own dead predecessor: no failure at start
        assertThat(b.start()).isFalse();
        assertThat(b.state()).isEqualTo(LeaseKeeper.State.STANDBY);
        assertThat(b.waitingOut().workerId()).isEqualTo("a");
        String before = map.get(KEY);

        clock.advance(LEASE.dividedBy(3));
        scheduler.runDue(); // a renews, b polls and sees the renewal

        assertThat(b.state()).isEqualTo(LeaseKeeper.State.LOST);
        assertThat(b.waitingOut()).isNull();
        assertThat(bEvents.acquired).isEmpty();
        assertThat(bEvents.lost).singleElement().satisfies(e -> {
            assertThat(e.getHolder()).isEqualTo("a");
            assertThat(e.getSubscriptionName()).isEqualTo(KEY);
            assertThat(e.getMessage()).contains("Worker b", "OPEN_IF_FREE", KEY, "worker a", "renewed");
        });
        assertThat(stored().lease().workerId()).isEqualTo("a");
        assertThat(map.get(KEY)).isNotEqualTo(before); // only by a's renewal
    }

    @Test
    void openIfFreeOnAStoreThatCannotProveTakesOverWhenTheUnprovenLeaseExpiresUnrenewed() {
        // a's renewals never run: its process was killed
        new LeaseKeeper(KEY, "a", WorkerStrategy.OPEN_IF_FREE, LEASE, store, clock, new ManualScheduler(), new Events())
                .start();
        Events bEvents = new Events();
        LeaseKeeper b = keeper("b", WorkerStrategy.OPEN_IF_FREE, bEvents);
        assertThat(b.start()).isFalse();

        clock.advance(LEASE.minusSeconds(1));
        scheduler.runDue();
        assertThat(b.state()).isEqualTo(LeaseKeeper.State.STANDBY);
        clock.advance(Duration.ofSeconds(1));
        scheduler.runDue();

        assertThat(b.state()).isEqualTo(LeaseKeeper.State.HOLDING);
        assertThat(bEvents.acquired).singleElement().satisfies(l -> assertThat(l.epoch()).isEqualTo(2));
        assertThat(bEvents.lost).isEmpty();
    }

    @Test
    void theFileStoreProvesAKilledHolderGoneAndItsLeaseIsTakenAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        FileReplayMarkerStore files = new FileReplayMarkerStore(dir.resolve("markers.properties"));
        files.start();
        try {
            // a lease whose process holds no tenure lock any more: what kill -9 leaves behind
            SubscriptionLease dead = new SubscriptionLease("host-4242-dead", 7, WorkerStrategy.OPEN_IF_FREE,
                    clock.instant().plus(LEASE));
            assertThat(files.compareAndSet(KEY, null, new SubscriptionRecord(ReplayMarker.of(42), dead))).isTrue();
            assertThat(files.holderLiveness(KEY, dead)).isEqualTo(ReplayMarkerStore.Liveness.GONE);

            LeaseKeeper restarted = new LeaseKeeper(KEY, "host-4243-new", WorkerStrategy.OPEN_IF_FREE, LEASE, files,
                    clock, scheduler, new Events());
            assertThat(restarted.start()).isTrue();
            SubscriptionRecord record = files.readRecord(KEY).orElseThrow();
            assertThat(record.lease().workerId()).isEqualTo("host-4243-new");
            assertThat(record.lease().epoch()).as("a higher epoch fences the dead tenure out").isEqualTo(8);
            assertThat(record.marker()).isEqualTo(ReplayMarker.of(42));
            assertThat(files.holderLiveness(KEY, record.lease())).as("the new holder's tenure is locked")
                    .isEqualTo(ReplayMarkerStore.Liveness.ALIVE);

            // a live holder is proven alive: OPEN_IF_FREE refuses at once, as before
            assertThatThrownBy(() -> new LeaseKeeper(KEY, "other", WorkerStrategy.OPEN_IF_FREE, LEASE, files, clock,
                    scheduler, new Events()).start()).isInstanceOf(SubscriptionInUseException.class);

            restarted.release();
            assertThat(files.holderLiveness(KEY, record.lease())).as("released: the tenure lock is gone")
                    .isEqualTo(ReplayMarkerStore.Liveness.GONE);
        } finally {
            files.stop();
        }
    }

    @Test
    void anExpiredLeaseIsTakenWithTheNextEpoch() {
        keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events()).start();
        clock.advance(LEASE.plusMillis(1)); // a died: no renewal

        LeaseKeeper b = keeper("b", WorkerStrategy.OPEN_IF_FREE, new Events());

        assertThat(b.start()).isTrue();
        assertThat(stored().lease().workerId()).isEqualTo("b");
        assertThat(stored().lease().epoch()).isEqualTo(2);
    }

    @Test
    void theSameWorkerIdTakesItsOwnLiveLeaseBackAtOnce() {
        keeper("host-1", WorkerStrategy.OPEN_IF_FREE, new Events()).start(); // then killed -9

        LeaseKeeper restarted = keeper("host-1", WorkerStrategy.OPEN_IF_FREE, new Events());

        assertThat(restarted.start()).isTrue();
        assertThat(stored().lease().epoch()).as("a new tenure, so the old process is fenced out").isEqualTo(2);
    }

    @Test
    void waitForFreeStandsByAndTakesOverWhenTheHolderReleases() {
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events());
        a.start();
        Events bEvents = new Events();
        LeaseKeeper b = keeper("b", WorkerStrategy.WAIT_FOR_FREE, bEvents);

        assertThat(b.start()).isFalse();
        assertThat(b.state()).isEqualTo(LeaseKeeper.State.STANDBY);
        assertThat(b.holder().workerId()).isEqualTo("a");
        scheduler.runDue();
        assertThat(bEvents.acquired).isEmpty();

        assertThat(a.commit(ReplayMarker.of(7))).isTrue();
        a.release();
        scheduler.runDue();

        assertThat(bEvents.acquired).singleElement().satisfies(l -> {
            assertThat(l.workerId()).isEqualTo("b");
            assertThat(l.epoch()).isEqualTo(2);
        });
        assertThat(b.state()).isEqualTo(LeaseKeeper.State.HOLDING);
        assertThat(stored().marker()).as("the standby continues from the holder's last commit").isEqualTo(ReplayMarker.of(7));
    }

    @Test
    void waitForFreeTakesOverOnlyAfterTheDeadHoldersLeaseExpires() {
        // dies without releasing: its renewals run on a scheduler that never runs again
        new LeaseKeeper(KEY, "a", WorkerStrategy.OPEN_IF_FREE, LEASE, store, clock, new ManualScheduler(), new Events())
                .start();
        Events bEvents = new Events();
        LeaseKeeper b = keeper("b", WorkerStrategy.WAIT_FOR_FREE, bEvents);
        b.start();

        clock.advance(LEASE.minusSeconds(1));
        scheduler.runDue();
        assertThat(bEvents.acquired).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        scheduler.runDue();
        assertThat(bEvents.acquired).hasSize(1);
    }

    @Test
    void aRenewingHolderKeepsTheSubscriptionPastItsFirstLease() {
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events());
        a.start();
        Events bEvents = new Events();
        keeper("b", WorkerStrategy.WAIT_FOR_FREE, bEvents).start();

        for (int i = 0; i < 6; i++) {
            clock.advance(LEASE.dividedBy(3));
            scheduler.runDue(); // a renews, b polls
        }

        assertThat(bEvents.acquired).isEmpty();
        assertThat(a.state()).isEqualTo(LeaseKeeper.State.HOLDING);
        assertThat(stored().lease().expiresAt()).isAfter(clock.instant());
    }

    @Test
    void takeOverDisplacesTheHolderWhichIsFencedOutAndToldSo() {
        Events aEvents = new Events();
        LeaseKeeper a = keeper("a", WorkerStrategy.WAIT_FOR_FREE, aEvents);
        a.start();
        a.commit(ReplayMarker.of(10));

        LeaseKeeper b = keeper("b", WorkerStrategy.TAKE_OVER, new Events());
        assertThat(b.start()).isTrue();
        assertThat(b.commit(ReplayMarker.of(20))).isTrue();

        assertThat(a.commit(ReplayMarker.of(15))).as("fenced: a's tenure is over").isFalse();
        assertThat(stored().marker()).isEqualTo(ReplayMarker.of(20));
        assertThat(a.state()).isEqualTo(LeaseKeeper.State.LOST);
        assertThat(aEvents.lost).singleElement().satisfies(e -> {
            assertThat(e.getHolder()).isEqualTo("b");
            assertThat(e.getMessage()).contains("Worker a lost the subscription", "worker b");
        });
    }

    @Test
    void aDisplacedHolderNoticesAtItsNextRenewal() {
        Events aEvents = new Events();
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, aEvents);
        a.start();
        keeper("b", WorkerStrategy.TAKE_OVER, new Events()).start();

        scheduler.runDue();

        assertThat(aEvents.lost).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("displaced by worker b"));
        assertThat(stored().lease().workerId()).isEqualTo("b");
    }

    @Test
    void takeOverAgainstATakeOverHolderFailsTheNewcomer() {
        keeper("a", WorkerStrategy.TAKE_OVER, new Events()).start();
        String before = map.get(KEY);

        assertThatThrownBy(() -> keeper("b", WorkerStrategy.TAKE_OVER, new Events()).start())
                .isInstanceOf(SubscriptionInUseException.class)
                .hasMessageContaining("the holder uses TAKE_OVER too")
                .hasMessageContaining("worker a");
        assertThat(map.get(KEY)).isEqualTo(before);
    }

    @Test
    void aHolderPausedPastItsLeaseCannotCommitOnceAnotherWorkerTookOver() {
        Events aEvents = new Events();
        LeaseKeeper a = keeper("a", WorkerStrategy.WAIT_FOR_FREE, aEvents);
        a.start();
        a.commit(ReplayMarker.of(10));
        // a is frozen (kill -STOP, a long GC): no renewal; b takes over after the expiry and moves on
        clock.advance(LEASE.plusSeconds(1));
        LeaseKeeper b = keeper("b", WorkerStrategy.WAIT_FOR_FREE, new Events());
        assertThat(b.start()).isTrue();
        assertThat(b.commit(ReplayMarker.of(30))).isTrue();

        // a resumes with completions of its own to commit
        assertThat(a.mayProcess()).isFalse();
        assertThat(a.commit(ReplayMarker.of(12))).isFalse();

        assertThat(stored().marker()).isEqualTo(ReplayMarker.of(30));
        assertThat(stored().lease().workerId()).isEqualTo("b");
        assertThat(aEvents.lost).hasSize(1);
    }

    @Test
    void aHolderPausedPastItsLeaseGoesOnWhenNobodyTookOver() {
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events());
        a.start();
        clock.advance(LEASE.plusSeconds(5));

        assertThat(a.mayProcess()).as("renewed before the next event").isTrue();
        assertThat(stored().lease().expiresAt()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(stored().lease().epoch()).isEqualTo(1);
    }

    @Test
    void aReleaseEndsTheLeaseButKeepsItsEpochSoEpochsOnlyGrow() {
        LeaseKeeper a = keeper("a", WorkerStrategy.OPEN_IF_FREE, new Events());
        a.start();
        a.commit(ReplayMarker.of(5));
        a.release();

        assertThat(stored().lease().epoch()).isEqualTo(1);
        assertThat(stored().lease().isLive(clock.instant())).isFalse();
        assertThat(a.commit(ReplayMarker.of(6))).as("no commit after release").isFalse();

        LeaseKeeper b = keeper("b", WorkerStrategy.OPEN_IF_FREE, new Events());
        b.start();
        assertThat(stored().lease().epoch()).isEqualTo(2);
        assertThat(stored().marker()).isEqualTo(ReplayMarker.of(5));
    }

    @Test
    void aHolderThatCannotReachTheStoreForAWholeLeaseStops() {
        FlakyStore flaky = new FlakyStore();
        Events events = new Events();
        LeaseKeeper a = new LeaseKeeper(KEY, "a", WorkerStrategy.OPEN_IF_FREE, LEASE, flaky, clock, scheduler, events);
        a.start();
        flaky.down = true;

        clock.advance(LEASE.dividedBy(3));
        scheduler.runDue();
        assertThat(a.state()).as("one failed renewal is not the end").isEqualTo(LeaseKeeper.State.HOLDING);

        clock.advance(LEASE);
        scheduler.runDue();
        assertThat(a.state()).isEqualTo(LeaseKeeper.State.LOST);
        assertThat(events.lost).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("expired before it could be renewed"));
    }

    @Test
    void storesWithoutAtomicOperationsAndConcurrentAreRefused() {
        ReplayMarkerStore plain = new MapReplayMarkerStore(new java.util.HashMap<>());
        assertThatThrownBy(() -> new LeaseKeeper(KEY, "a", WorkerStrategy.WAIT_FOR_FREE, LEASE, plain, clock, scheduler,
                new Events())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("atomic");
        assertThatThrownBy(() -> keeper("a", WorkerStrategy.CONCURRENT, new Events()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONCURRENT");
    }

    @Test
    void recordsRoundTripAndPlainMarkersReadAsRecordsWithoutLease() {
        SubscriptionRecord record = new SubscriptionRecord(new ReplayMarker(104853, Instant.parse("2026-11-21T18:02:11.208Z")),
                new SubscriptionLease("node-1.example:9@x", 3, WorkerStrategy.TAKE_OVER, Instant.parse("2026-11-21T18:03:00Z")));
        assertThat(record.format())
                .isEqualTo("104853|2026-11-21T18:02:11.208Z;lease=node-1.example:9@x,3,TAKE_OVER,2026-11-21T18:03:00Z");
        assertThat(SubscriptionRecord.parse(KEY, record.format())).isEqualTo(record);
        assertThat(SubscriptionRecord.parse(KEY, "42")).isEqualTo(SubscriptionRecord.of(ReplayMarker.of(42)));
        SubscriptionRecord leaseOnly = new SubscriptionRecord(null, record.lease());
        assertThat(SubscriptionRecord.parse(KEY, leaseOnly.format())).isEqualTo(leaseOnly);
        assertThatThrownBy(() -> SubscriptionRecord.parse(KEY, "42;lease=a,x,TAKE_OVER,2026-11-21T18:03:00Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY).hasMessageContaining("lease");
        assertThatThrownBy(() -> new SubscriptionLease("a,b", 1, WorkerStrategy.OPEN_IF_FREE, Instant.EPOCH))
                .hasMessageContaining("workerId");
    }

    /** A ConcurrentMap store that can be switched off, like a data grid cut off by a partition. */
    private static final class FlakyStore extends org.apache.camel.support.service.ServiceSupport
            implements ReplayMarkerStore {
        final InMemoryReplayMarkerStore delegate = new InMemoryReplayMarkerStore();
        volatile boolean down;

        private void check() {
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
        }

        @Override
        public Optional<ReplayMarker> read(String key) {
            check();
            return delegate.read(key);
        }

        @Override
        public void write(String key, ReplayMarker marker) {
            check();
            delegate.write(key, marker);
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isAtomic() {
            return true;
        }

        @Override
        public Optional<SubscriptionRecord> readRecord(String key) {
            check();
            return delegate.readRecord(key);
        }

        @Override
        public boolean compareAndSet(String key, SubscriptionRecord expected, SubscriptionRecord replacement) {
            check();
            return delegate.compareAndSet(key, expected, replacement);
        }
    }
}
