package io.sfstream.camel;

/**
 * Commits the replay marker of the event (or batch) an exchange carries, with {@code replayCommit=MANUAL}. Found in
 * the {@code CamelSfStreamReplayCommitter} header. The marker never passes an earlier event of the channel that is not
 * committed yet: it advances once every earlier event is committed too.
 */
public interface ReplayCommitter {

    /** Marks the exchange's events as processed. Calling it again has no effect. */
    void commit();
}
