package io.sfstream.quarkus.example;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

/** The replayIds the route received, in order (what the test looks at). */
@ApplicationScoped
public class ReceivedEvents {

    private final List<Long> replayIds = new CopyOnWriteArrayList<>();

    void add(Long replayId) {
        replayIds.add(replayId);
    }

    public List<Long> replayIds() {
        return List.copyOf(replayIds);
    }
}
