package io.sfstream.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retained events of one channel: increasing, non-contiguous replayIds, each event's {@code data} JSON stored
 * once as a String and shared by every session it is delivered to. Bounded by count and by age.
 * Thread-safe (every method synchronizes on the log).
 */
final class EventLog {

    /** One retained event: its replayId and the serialized {@code data} object. */
    record Entry(long replayId, String dataJson) {
    }

    private final String channel;
    private final int retentionCount;
    private final long retentionMillis;
    private final java.time.Clock clock;

    private long[] ids = new long[64];
    private long[] times = new long[64];
    private String[] data = new String[64];
    private int head;
    private int size;
    private long lastId;
    /** Where the log started: the latest position a client could be given before its first event. */
    private long floor;
    /** Whether retention ever dropped an event. */
    private boolean trimmed;

    EventLog(String channel, int retentionCount, long retentionMillis, java.time.Clock clock) {
        this.channel = channel;
        this.clock = clock;
        this.retentionCount = retentionCount;
        this.retentionMillis = retentionMillis;
        // start somewhere that is clearly not 0 or 1, like a real org's log
        this.lastId = 1000 + ThreadLocalRandom.current().nextInt(9000);
        this.floor = lastId;
    }

    String channel() {
        return channel;
    }

    /** Assigns the next replayId: increasing, in random steps of 1..3, never contiguous by design. */
    synchronized long nextId() {
        lastId += 1 + ThreadLocalRandom.current().nextInt(3);
        return lastId;
    }

    /** Appends an event whose id came from {@link #nextId()} (caller holds the log's monitor across both). */
    synchronized void append(long id, long createdMillis, String dataJson) {
        if (head + size == ids.length) {
            grow();
        }
        int i = head + size;
        ids[i] = id;
        times[i] = createdMillis;
        data[i] = dataJson;
        size++;
        trim(clock.millis());
    }

    /**
     * Re-adds an event read back from a data directory, keeping its replayId; ids must come in increasing order.
     * The next {@link #nextId()} continues after the highest one.
     */
    synchronized void restore(long id, long createdMillis, String dataJson) {
        if (size > 0 && id <= ids[head + size - 1]) {
            return;
        }
        if (size == 0 && !trimmed) {
            floor = Math.min(floor, id - 1);
        }
        if (head + size == ids.length) {
            grow();
        }
        int i = head + size;
        ids[i] = id;
        times[i] = createdMillis;
        data[i] = dataJson;
        size++;
        lastId = id;
        trim(clock.millis());
    }

    private void grow() {
        if (head > 0 && size < ids.length / 2) {
            // compact in place
            System.arraycopy(ids, head, ids, 0, size);
            System.arraycopy(times, head, times, 0, size);
            System.arraycopy(data, head, data, 0, size);
            java.util.Arrays.fill(data, size, head + size, null);
            head = 0;
            return;
        }
        int capacity = ids.length * 2;
        long[] newIds = new long[capacity];
        long[] newTimes = new long[capacity];
        String[] newData = new String[capacity];
        System.arraycopy(ids, head, newIds, 0, size);
        System.arraycopy(times, head, newTimes, 0, size);
        System.arraycopy(data, head, newData, 0, size);
        ids = newIds;
        times = newTimes;
        data = newData;
        head = 0;
    }

    private void trim(long now) {
        long oldestAllowed = now - retentionMillis;
        while (size > 0 && (size > retentionCount || times[head] < oldestAllowed)) {
            data[head] = null;
            trimmed = true;
            head++;
            size--;
        }
        if (size == 0) {
            head = 0;
        }
    }

    /** The highest replayId ever assigned on this channel (the -1 starting point). */
    synchronized long lastAssigned() {
        return lastId;
    }

    /**
     * The lowest position a stream may start after: just before the oldest retained event, or, while retention never
     * dropped an event, where the log started (the latest position of an empty channel, given in a keepalive, stays
     * valid after the first events: nothing after it was lost).
     */
    synchronized long firstResumable() {
        trim(clock.millis());
        long oldest = size == 0 ? lastId : ids[head] - 1;
        return trimmed ? oldest : Math.min(oldest, floor);
    }

    /** Cursor meaning "everything retained": just before the oldest retained event. */
    synchronized long beforeOldest() {
        trim(clock.millis());
        return size == 0 ? lastId : ids[head] - 1;
    }

    /**
     * Whether a client may resume after {@code replayId}: it must lie within the retained window
     * [oldest retained id, last assigned id].
     */
    synchronized boolean isResumable(long replayId) {
        trim(clock.millis());
        return size > 0 && replayId >= ids[head] && replayId <= lastId;
    }

    /** Up to {@code max} retained events strictly after {@code cursor}, oldest first. */
    synchronized List<Entry> after(long cursor, int max) {
        trim(clock.millis());
        if (size == 0 || max <= 0 || cursor >= ids[head + size - 1]) {
            return List.of();
        }
        int from = firstAfter(cursor);
        int n = Math.min(max, head + size - from);
        List<Entry> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            out.add(new Entry(ids[i], data[i]));
        }
        return out;
    }

    private int firstAfter(long cursor) {
        int lo = head;
        int hi = head + size; // exclusive
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ids[mid] <= cursor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    synchronized List<Long> replayIds() {
        trim(clock.millis());
        List<Long> out = new ArrayList<>(size);
        for (int i = head; i < head + size; i++) {
            out.add(ids[i]);
        }
        return out;
    }

    synchronized int size() {
        trim(clock.millis());
        return size;
    }
}
