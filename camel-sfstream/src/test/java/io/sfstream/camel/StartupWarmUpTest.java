package io.sfstream.camel;

import io.sfstream.camel.internal.delivery.BackgroundPreload;
import io.sfstream.camel.internal.transport.SharedMappers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up shortcuts: the background warm-up, the shared mappers created at first use, the host name. */
class StartupWarmUpTest {

    @Test
    void warmUpCompletesAndLeavesOneProtocolAndOneBodyMapper() {
        // it swallows failures (they are harmless at run time), so only its answer tells that both parts worked
        assertThat(BackgroundPreload.run()).as("Jackson and TLS warm-up ran to the end").isTrue();

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
