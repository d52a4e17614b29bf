package io.sfstream.camel;

import java.lang.reflect.Field;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Endpoints share a session exactly when the options marked {@link SessionOption} are equal. */
class SessionKeyTest {

    @Test
    void theMarkedOptionsAreTheSessionsOwn() {
        assertThat(SfStreamConfiguration.SESSION_OPTIONS).extracting(Field::getName).containsExactlyInAnyOrder(
                "loginUrl", "clientId", "clientSecret", "username", "password", "refreshToken", "apiVersion",
                "timeToWaitBeforeConnectionRetry", "maxReconnectDelay", "connectionTimeout", "maxErroneousPeriod",
                "authenticationType", "privateKey", "privateKeyFile", "keystore", "keystoreAlias", "keyPassword",
                "jwtAudience", "accessToken", "instanceUrl", "tokenSupplier", "proxyHost", "proxyPort", "proxyUsername",
                "proxyPassword", "nonProxyHosts", "sslContextParameters", "useGlobalSslContextParameters",
                "httpConnectTimeout", "httpRequestTimeout", "maxMessageSize",
                // the Pub/Sub API: a gRPC channel per host, port, TLS choice, ping interval and org id
                "api", "pubSubHost", "pubSubPort", "pubSubPlaintext", "pubSubKeepAliveTime", "orgId");
    }

    @Test
    void aSessionOptionSeparatesADeliveryOptionDoesNot() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setClientId("cid");
        config.setClientSecret("secret-KEY111");
        assertThat(config.copy().sessionKey()).isEqualTo(config.sessionKey());

        SfStreamConfiguration otherDelivery = config.copy();
        otherDelivery.setMaxPendingCount(7);
        otherDelivery.setReplay(SfStreamConfiguration.ALL_EVENTS);
        assertThat(otherDelivery.sessionKey()).isEqualTo(config.sessionKey());

        SfStreamConfiguration otherSecret = config.copy();
        otherSecret.setClientSecret("secret-KEY222");
        assertThat(otherSecret.sessionKey()).isNotEqualTo(config.sessionKey());

        SfStreamConfiguration otherDelay = config.copy();
        otherDelay.setMaxReconnectDelay(Duration.ofSeconds(3));
        assertThat(otherDelay.sessionKey()).isNotEqualTo(config.sessionKey());
        assertThat(config.sessionKey()).doesNotContain("secret");
    }

    @Test
    void sandboxCountsOnlyThroughTheLoginUrlItMeans() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl("https://my.example.com");
        SfStreamConfiguration sandbox = config.copy();
        sandbox.setSandbox(true);
        assertThat(sandbox.sessionKey()).isEqualTo(config.sessionKey());

        SfStreamConfiguration production = new SfStreamConfiguration();
        SfStreamConfiguration test = new SfStreamConfiguration();
        test.setSandbox(true);
        assertThat(test.sessionKey()).isNotEqualTo(production.sessionKey());
    }
}
