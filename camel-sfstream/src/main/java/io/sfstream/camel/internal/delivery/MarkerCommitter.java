package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces marker commits of one subscription: completions only record the newest watermark in memory; one committer
 * task writes it to the store and flushes buffered stores at the flush interval, and once more on stop. After a crash
 * the store is behind by at most the events completed during the last interval: they are delivered again, never lost.
 */
public final class MarkerCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(MarkerCommitter.class);

    /** Makes one marker durable; false when the write was refused (fenced out by another worker's lease). */
    @FunctionalInterface
    public interface Writer {
        boolean write(ReplayMarker marker);
    }

    private final String key;
    private final Writer writer;
    private final AtomicReference<ReplayMarker> latest = new AtomicReference<>();
    private final AtomicReference<ReplayMarker> written = new AtomicReference<>();
    private final AtomicBoolean firstWrite = new AtomicBoolean();

    /** Writes to the store and flushes it: no lease guards the key. */
    public MarkerCommitter(String key, ReplayMarkerStore store) {
        this(key, marker -> {
            store.write(key, marker);
            store.flush();
            return true;
        });
    }

    public MarkerCommitter(String key, Writer writer) {
        this.key = key;
        this.writer = writer;
    }

    /**
     * Records a new watermark; cheap, called from exchange-completion threads. The first one of this committer's life
     * is written at once: a consumer that started without a stored marker (replay=NEW_EVENTS) and is killed before the
     * first interval would otherwise restart from new events again and skip what was published while it was down.
     */
    public void commit(ReplayMarker marker) {
        latest.set(marker);
        if (firstWrite.compareAndSet(false, true)) {
            writeAndFlush();
        }
    }

    /** Writes and flushes the newest watermark if it changed; called by the committer thread and on stop. */
    public synchronized void writeAndFlush() {
        ReplayMarker marker = latest.get();
        if (marker == null || marker.equals(written.get())) {
            return;
        }
        if (!writer.write(marker)) {
            LOG.debug("Replay marker {} of {} was not written: another worker holds the subscription", marker, key);
            return;
        }
        written.set(marker);
        LOG.trace("Committed replay marker {} of {}", marker, key);
    }

    /** The newest marker written and flushed to the store. */
    public ReplayMarker written() {
        return written.get();
    }
}
