package io.sfstream.camel.internal.bayeux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Flow control's hold: only the keep-alive of the hold still running sends the connect. */
class ConnectHoldTest {

    private final List<Runnable> timers = new ArrayList<>();
    private final ConnectHold hold = new ConnectHold(Duration.ofSeconds(30), (delay, action) -> timers.add(action));
    private final AtomicInteger keepAliveConnects = new AtomicInteger();

    @Test
    void theKeepAliveConnectsWhenTheHoldLasts() {
        hold.hold(keepAliveConnects::incrementAndGet);
        assertThat(hold.isHeld()).isTrue();
        timers.forEach(Runnable::run);
        assertThat(keepAliveConnects).hasValue(1);
        assertThat(hold.isHeld()).isFalse();
    }

    @Test
    void aReleasedHoldIsNotEndedAgainByItsKeepAlive() {
        hold.hold(keepAliveConnects::incrementAndGet);
        assertThat(hold.release()).as("a connect was held back").isTrue();
        assertThat(hold.release()).as("nothing held any more").isFalse();
        timers.forEach(Runnable::run);
        assertThat(keepAliveConnects).hasValue(0);
    }

    @Test
    void theKeepAliveOfAnEarlierHoldDoesNotCutALaterOneShort() {
        hold.hold(keepAliveConnects::incrementAndGet);
        Runnable earlier = timers.get(0);
        hold.release();
        hold.hold(keepAliveConnects::incrementAndGet);
        earlier.run();
        assertThat(hold.isHeld()).as("the later hold goes on").isTrue();
        assertThat(keepAliveConnects).hasValue(0);
        timers.get(1).run();
        assertThat(keepAliveConnects).hasValue(1);
    }
}
