package io.sfstream.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without the workerId option every endpoint of the JVM, in any CamelContext, is the same worker: one id made up per
 * process; an endpoint's own workerId still wins.
 */
class DefaultWorkerIdTest {

    private static final String AUTH = "?accessToken=t&instanceUrl=http://127.0.0.1:1";

    @Test
    void oneDefaultIdPerJvmAcrossEndpointsAndContexts() throws Exception {
        try (CamelContext first = new DefaultCamelContext(); CamelContext second = new DefaultCamelContext()) {
            first.start();
            second.start();
            SfStreamEndpoint a = first.getEndpoint("sfstream:/topic/A" + AUTH, SfStreamEndpoint.class);
            SfStreamEndpoint b = first.getEndpoint("sfstream:/event/B__e" + AUTH, SfStreamEndpoint.class);
            SfStreamEndpoint c = second.getEndpoint("sfstream:/topic/A" + AUTH, SfStreamEndpoint.class);
            SfStreamEndpoint own = first.getEndpoint("sfstream:/topic/C" + AUTH + "&workerId=blue-1", SfStreamEndpoint.class);

            assertThat(a.workerId()).matches("[A-Za-z0-9.-]+-" + ProcessHandle.current().pid() + "-[0-9a-f]+");
            assertThat(b.workerId()).isEqualTo(a.workerId());
            assertThat(c.workerId()).isEqualTo(a.workerId());
            assertThat(own.workerId()).isEqualTo("blue-1");
        }
    }
}
