package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamComponent;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.range;
import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS, the default: sslContextParameters trusting only the emulator's certificate reach its TLS port; the JDK's own
 * trust store does not know that certificate, so without them nothing is consumed and the failure is reported.
 */
class PubSubTlsIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    @TempDir
    static Path dir;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) throws Exception {
        Path trustStore = SF.emulator().writePubSubTrustStore(dir.resolve("trust.p12"));
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:" + trustStore);
        store.setType("PKCS12");
        store.setPassword(SalesforceEmulator.PUBSUB_TRUST_STORE_PASSWORD);
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trust);
        registry.bind("emulatorTls", tls);
    }

    private String uri(String channel) {
        SfStreamComponent component = context.getComponent("sfstream", SfStreamComponent.class);
        component.getConfiguration().setPubSubPlaintext(false);
        return "sfstream:" + channel + "?replay=ALL_EVENTS&pubSubHost=localhost&pubSubPort=" + SF.pubSubTlsPort();
    }

    @Test
    void consumesOverTlsWithSslContextParameters() throws Exception {
        String channel = "/event/" + uniqueName("Tls") + "__e";
        for (int i = 0; i < 20; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        MockEndpoint mock = getMockEndpoint("mock:tls");
        addRoute(uri(channel) + "&sslContextParameters=#emulatorTls", mock.getEndpointUri());
        await().atMost(Duration.ofSeconds(15)).until(() -> mock.getReceivedCounter() == 20);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(0, 20));
    }

    @Test
    void theJdksTrustStoreDoesNotTrustAnUnknownCertificate() throws Exception {
        String channel = "/event/" + uniqueName("Untrusted") + "__e";
        emulator().publish(channel, Map.of("Seq__c", 0));
        MockEndpoint mock = getMockEndpoint("mock:untrusted");
        addRoute(uri(channel), mock.getEndpointUri());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == 0 && streams(channel).isEmpty());
    }
}
