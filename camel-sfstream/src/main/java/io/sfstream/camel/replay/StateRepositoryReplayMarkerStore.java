package io.sfstream.camel.replay;

import java.util.Objects;
import java.util.Optional;

import org.apache.camel.Service;
import org.apache.camel.StatefulService;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a Camel {@link StateRepository StateRepository&lt;String,String&gt;} (e.g. {@code MemoryStateRepository},
 * {@code FileStateRepository}, or a repository of another component) as a replay marker store. Values are kept in
 * {@link ReplayMarker}'s text form.
 * <p>
 * Write-through: every {@link #write} is a {@code setState}, so the marker is as durable as the repository makes it.
 * Note that Camel's {@code FileStateRepository} rewrites its file in place without fsync, so a crash can leave it torn
 * or empty; prefer {@link FileReplayMarkerStore} for a crash-safe file.
 * <p>
 * Lifecycle: the repository is shared property of whoever configured it, so this adapter starts it only if it is not
 * started yet, and stops it only if this adapter started it.
 */
public final class StateRepositoryReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private static final Logger LOG = LoggerFactory.getLogger(StateRepositoryReplayMarkerStore.class);

    private final StateRepository<String, String> repository;
    // set by doStart, read by doStop: both run under ServiceSupport's lock
    private volatile boolean startedRepository;

    public StateRepositoryReplayMarkerStore(StateRepository<String, String> repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    StateRepository<String, String> getRepository() {
        return repository;
    }

    @Override
    protected void doStart() throws Exception {
        // StateRepository extends Service today; the instanceof keeps this right should that ever change
        Object candidate = repository;
        if (candidate instanceof Service && !isStarted(candidate)) {
            LOG.debug("Starting state repository {}", repository);
            ServiceHelper.startService(candidate);
            startedRepository = true;
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (startedRepository) {
            LOG.debug("Stopping state repository {}", repository);
            ServiceHelper.stopService(repository);
            startedRepository = false;
        }
    }

    private static boolean isStarted(Object service) {
        return service instanceof StatefulService stateful && stateful.isStarted();
    }

    /**
     * @throws IllegalArgumentException naming the key when the stored value is not a marker
     */
    @Override
    public Optional<ReplayMarker> read(String key) {
        Objects.requireNonNull(key, "key");
        String text = repository.getState(key);
        return text == null ? Optional.empty() : Optional.of(ReplayMarker.parse(key, text));
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        repository.setState(Objects.requireNonNull(key, "key"), Objects.requireNonNull(marker, "marker").format());
    }

    @Override
    public void flush() {
        // nothing to call: StateRepository has no flush, and FileStateRepository does not expose one either (it writes
        // its file on every setState); setState is therefore as durable as the repository ever gets
    }

    @Override
    public String toString() {
        return "StateRepositoryReplayMarkerStore[" + repository + "]";
    }
}
