package io.sfstream.camel.internal.login;

import io.sfstream.camel.SfStreamConfiguration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginFlowTest {

    private static SfStreamConfiguration config(String clientId, String clientSecret, String username, String password,
                                                String refreshToken) {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setClientId(clientId);
        config.setClientSecret(clientSecret);
        config.setUsername(username);
        config.setPassword(password);
        config.setRefreshToken(refreshToken);
        return config;
    }

    @Test
    void allPasswordCredentialsGiveThePasswordFlow() {
        assertThat(LoginFlow.of(config("cid", "sec", "user", "pw", null))).isEqualTo(LoginFlow.PASSWORD);
        assertThat(LoginFlow.PASSWORD.displayName()).isEqualTo("username-password");
    }

    @Test
    void refreshTokenWinsOverUsernameAndPassword() {
        assertThat(LoginFlow.of(config("cid", "sec", "user", "pw", "rt"))).isEqualTo(LoginFlow.REFRESH_TOKEN);
        assertThat(LoginFlow.of(config("cid", null, null, null, "rt"))).isEqualTo(LoginFlow.REFRESH_TOKEN);
        assertThat(LoginFlow.REFRESH_TOKEN.displayName()).isEqualTo("refresh-token");
    }

    @Test
    void nothingSetNamesEveryMissingOption() {
        assertThatThrownBy(() -> LoginFlow.of(config(null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientId")
                .hasMessageContaining("clientSecret")
                .hasMessageContaining("username")
                .hasMessageContaining("password");
    }

    @Test
    void missingClientIdIsNamedForTheRefreshTokenFlow() {
        assertThatThrownBy(() -> LoginFlow.of(config(" ", null, null, null, "rt-secret-value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: clientId.")
                .hasMessageNotContaining("rt-secret-value");
    }

    @Test
    void eachMissingPasswordFlowOptionIsNamedAlone() {
        assertThatThrownBy(() -> LoginFlow.of(config("cid", null, "user", "pw", null)))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: clientSecret.");
        assertThatThrownBy(() -> LoginFlow.of(config("cid", "sec", "", "pw", null)))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: username.");
        assertThatThrownBy(() -> LoginFlow.of(config("cid", "sec", "user", null, null)))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: password.");
        assertThatThrownBy(() -> LoginFlow.of(config(null, "sec", "user", "pw", null)))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: clientId.");
    }

    @Test
    void missingOptionsMessageNeverShowsAValue() {
        assertThatThrownBy(() -> LoginFlow.of(config("my-client-id-123", "my-secret-456", "alice@example.com", null, null)))
                .hasMessageContaining("password")
                .hasMessageNotContaining("my-client-id-123")
                .hasMessageNotContaining("my-secret-456")
                .hasMessageNotContaining("alice@example.com");
    }
}
