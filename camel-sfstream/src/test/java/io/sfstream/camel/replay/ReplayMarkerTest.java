package io.sfstream.camel.replay;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayMarkerTest {

    @Test
    void formatsWithoutDateAsThePlainReplayId() {
        assertThat(ReplayMarker.of(104853).format()).isEqualTo("104853");
    }

    @Test
    void formatsWithDateAsIdBarInstant() {
        ReplayMarker marker = new ReplayMarker(104853, Instant.parse("2026-11-21T18:02:11.208Z"));

        assertThat(marker.format()).isEqualTo("104853|2026-11-21T18:02:11.208Z");
        assertThat(marker).hasToString("104853|2026-11-21T18:02:11.208Z");
    }

    @Test
    void parsesWhatItFormats() {
        ReplayMarker withDate = new ReplayMarker(7, Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(ReplayMarker.parse("k", withDate.format())).isEqualTo(withDate);
        assertThat(ReplayMarker.parse("k", ReplayMarker.of(-2).format())).isEqualTo(ReplayMarker.of(-2));
    }

    @Test
    void parsesPlainNumbersWrittenByOtherTools() {
        assertThat(ReplayMarker.parse("k", "42")).isEqualTo(ReplayMarker.of(42));
        assertThat(ReplayMarker.parse("k", " 42\n")).isEqualTo(ReplayMarker.of(42));
        assertThat(ReplayMarker.parse("k", "-1")).isEqualTo(ReplayMarker.of(-1));
    }

    @Test
    void parsesATrailingSeparatorAsNoDate() {
        assertThat(ReplayMarker.parse("k", "42|")).isEqualTo(ReplayMarker.of(42));
    }

    @Test
    void rejectsGarbageNamingTheKey() {
        assertThatThrownBy(() -> ReplayMarker.parse("/topic/Orders", "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/topic/Orders")
                .hasMessageContaining("abc");
    }

    @Test
    void rejectsABadDateNamingTheKey() {
        assertThatThrownBy(() -> ReplayMarker.parse("/event/Foo__e", "12|yesterday"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/event/Foo__e");
    }

    @Test
    void rejectsEmptyAndNullNamingTheKey() {
        assertThatThrownBy(() -> ReplayMarker.parse("sub1", "  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sub1");
        assertThatThrownBy(() -> ReplayMarker.parse("sub2", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sub2");
    }

    @Test
    void aPositionIsOpaqueTextDecimalForStreamingBase64ForPubSub() {
        ReplayMarker pubSub = new ReplayMarker("AAAAAAAAJxA=", Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(pubSub.isReplayId()).isFalse();
        assertThat(pubSub.format()).isEqualTo("AAAAAAAAJxA=|2026-01-02T03:04:05Z");
        assertThat(ReplayMarker.parse("k", pubSub.format())).isEqualTo(pubSub);

        assertThat(ReplayMarker.of(42).position()).isEqualTo("42");
        assertThat(ReplayMarker.parse("k", "042")).isEqualTo(ReplayMarker.of(42));
        assertThat(ReplayMarker.of(42).isReplayId()).isTrue();
        assertThatThrownBy(() -> ReplayMarker.parse("k", "AAAAAAAAJxA"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k");
    }
}
