package io.sfstream.camel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The start-up shortcuts: the background warm-up, the shared mappers created at first use, the host name. */
class StartupWarmUpTest {

    @Test
    void warmUpCompletesAndLeavesOneProtocolAndOneBodyMapper() {
        assertThatCode(BackgroundPreload::run).doesNotThrowAnyException();

        assertThat(SharedMappers.protocol()).isSameAs(SharedMappers.protocol());
        assertThat(SharedMappers.bodies()).isSameAs(SharedMappers.bodies());
        // the objectMapper option shapes bodies only: the protocol never shares a mapper with them
        assertThat(SharedMappers.protocol()).isNotSameAs(SharedMappers.bodies());
    }

    @Test
    void hostNameIsKnownWithoutFailing() {
        assertThat(SfStreamEndpoint.hostName()).isNotBlank().doesNotContain("\n");
    }
}
