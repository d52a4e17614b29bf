package io.sfstream.camel.internal.login;

import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SfStreamConfiguration;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The OAuth login against a WireMock token endpoint: the form each flow sends, and errors that name the flow and the
 * status without ever showing a credential or a token.
 */
public class SalesforceLoginTest {

    static final String CLIENT_ID = "3MVG9-client-id-CID777";
    static final String CLIENT_SECRET = "client-secret-SEC888";
    static final String USERNAME = "alice.login@example.com";
    static final String PASSWORD = "p@ss w&rd=PW999";
    static final String REFRESH_TOKEN = "5Aep861-refresh-RT555";
    static final String ACCESS_TOKEN = "00Dx0000000BV7z!AR8AQ-access-TOK444";
    public static final List<String> SECRETS = List.of(CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, REFRESH_TOKEN, ACCESS_TOKEN,
            // the form-encoded forms too, in case a request body leaks into a message
            "p%40ss+w%26rd%3DPW999", "alice.login%40example.com");

    private static final String TOKEN_PATH = "/services/oauth2/token";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private SfStreamConfiguration passwordConfig() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl(wm.baseUrl());
        config.setClientId(CLIENT_ID);
        config.setClientSecret(CLIENT_SECRET);
        config.setUsername(USERNAME);
        config.setPassword(PASSWORD);
        return config;
    }

    private SfStreamConfiguration refreshConfig(boolean withSecret) {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl(wm.baseUrl() + "/");
        config.setClientId(CLIENT_ID);
        config.setRefreshToken(REFRESH_TOKEN);
        if (withSecret) {
            config.setClientSecret(CLIENT_SECRET);
        }
        return config;
    }

    private void tokenEndpointSucceeds() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN + "\","
                                                                       + "\"instance_url\":\"https://na1.example.my.salesforce.com/\","
                                                                       + "\"id\":\"https://login.salesforce.com/id/00Dx/005x\","
                                                                       + "\"token_type\":\"Bearer\",\"issued_at\":\"1278448832702\","
                                                                       + "\"signature\":\"0Cmx=\"}")));
    }

    private static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private LoggedRequest onlyTokenRequest() {
        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        return request;
    }

    private static void assertNoSecret(Throwable error) {
        assertThat(error.getMessage()).isNotBlank();
        for (String secret : SECRETS) {
            assertThat(error.getMessage()).as("message").doesNotContain(secret);
            assertThat(error.toString()).as("toString").doesNotContain(secret);
        }
    }

    // ------------------------------------------------------------------ successful flows

    @Test
    void passwordFlowPostsTheFormEncodedCredentialsAndReturnsTokenAndInstance() {
        tokenEndpointSucceeds();
        SalesforceLogin login = new SalesforceLogin(http, json, passwordConfig());

        AccessToken token = login.login();

        assertThat(token.value()).isEqualTo(ACCESS_TOKEN);
        assertThat(token.instanceUrl()).isEqualTo(URI.create("https://na1.example.my.salesforce.com"));
        assertThat(token.toString()).doesNotContain(ACCESS_TOKEN);
        assertThat(login.flow()).isEqualTo(LoginFlow.PASSWORD);
        assertThat(login.tokenUrl()).isEqualTo(URI.create(wm.baseUrl() + TOKEN_PATH));

        LoggedRequest request = onlyTokenRequest();
        assertThat(form(request)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "password",
                "client_id", CLIENT_ID,
                "client_secret", CLIENT_SECRET,
                "username", USERNAME,
                "password", PASSWORD));
        // really form-encoded: the reserved characters of the password are escaped
        assertThat(request.getBodyAsString()).contains("password=p%40ss+w%26rd%3DPW999")
                .doesNotContain(PASSWORD);
        assertThat(login.toString()).doesNotContain(CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD);
    }

    @Test
    void refreshTokenFlowPostsRefreshTokenClientIdAndSecret() {
        tokenEndpointSucceeds();
        SalesforceLogin login = new SalesforceLogin(http, json, refreshConfig(true));

        AccessToken token = login.login();

        assertThat(token.value()).isEqualTo(ACCESS_TOKEN);
        assertThat(login.flow()).isEqualTo(LoginFlow.REFRESH_TOKEN);
        assertThat(form(onlyTokenRequest())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "refresh_token",
                "refresh_token", REFRESH_TOKEN,
                "client_id", CLIENT_ID,
                "client_secret", CLIENT_SECRET));
    }

    @Test
    void refreshTokenFlowWithoutSecretSendsNoClientSecret() {
        tokenEndpointSucceeds();
        SalesforceLogin login = new SalesforceLogin(http, json, refreshConfig(false));

        login.login();

        assertThat(form(onlyTokenRequest())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grant_type", "refresh_token",
                "refresh_token", REFRESH_TOKEN,
                "client_id", CLIENT_ID));
    }

    @Test
    void refreshTokenWinsWhenUsernameAndPasswordAreSetToo() {
        tokenEndpointSucceeds();
        SfStreamConfiguration config = passwordConfig();
        config.setRefreshToken(REFRESH_TOKEN);

        new SalesforceLogin(http, json, config).login();

        Map<String, String> form = form(onlyTokenRequest());
        assertThat(form).containsEntry("grant_type", "refresh_token").doesNotContainKeys("username", "password");
    }

    // ------------------------------------------------------------------ failures

    private SalesforceLoginException loginFails(SfStreamConfiguration config) {
        SalesforceLoginException error = catchThrowableOfType(SalesforceLoginException.class,
                () -> new SalesforceLogin(http, json, config).login());
        assertThat(error).as("login must fail with SalesforceLoginException").isNotNull();
        assertNoSecret(error);
        return error;
    }

    private void tokenEndpointRejectsCredentials() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}")));
    }

    @Test
    void wrongPasswordCredentialsNameTheFlowAndSalesforcesReason() {
        tokenEndpointRejectsCredentials();

        SalesforceLoginException error = loginFails(passwordConfig());

        assertThat(error.getMessage()).contains("username-password").contains("authentication failure")
                .contains("invalid_grant").contains("400");
        assertThat(error.isCredentialsRejected()).isTrue();
        assertThat(error.getHttpStatus()).isEqualTo(400);
        assertThat(error.getError()).isEqualTo("invalid_grant");
    }

    @Test
    void wrongRefreshTokenNamesTheFlowAndSalesforcesReason() {
        tokenEndpointRejectsCredentials();

        SalesforceLoginException error = loginFails(refreshConfig(true));

        assertThat(error.getMessage()).contains("refresh-token").contains("authentication failure");
        assertThat(error.isCredentialsRejected()).isTrue();
    }

    @Test
    void http500IsAClearErrorNamingTheStatus() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "text/plain").withBody("Internal Server Error")));

        SalesforceLoginException error = loginFails(passwordConfig());

        assertThat(error.getMessage()).contains("HTTP 500").contains("username-password");
        assertThat(error.getHttpStatus()).isEqualTo(500);
        assertThat(error.isCredentialsRejected()).isFalse();
    }

    @Test
    void htmlPageWithStatus200IsAClearErrorNamingTheStatusNotAParseCrash() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html;charset=UTF-8")
                .withBody("<html><body><h1>Login</h1><form>...</form></body></html>")));

        SalesforceLoginException error = loginFails(passwordConfig());

        assertThat(error.getMessage()).contains("HTTP 200").contains("non-JSON").contains("text/html");
        assertThat(error.getHttpStatus()).isEqualTo(200);
        assertThat(error.getCause()).isNull();
        assertThat(error.isCredentialsRejected()).isFalse();
    }

    @Test
    void htmlMaintenancePageWithStatus503IsAClearErrorNamingTheStatus() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/html")
                .withBody("<html><body>Down for maintenance</body></html>")));

        SalesforceLoginException error = loginFails(refreshConfig(true));

        assertThat(error.getMessage()).contains("HTTP 503").contains("non-JSON").contains("refresh-token");
        assertThat(error.getHttpStatus()).isEqualTo(503);
        assertThat(error.isCredentialsRejected()).isFalse();
    }

    @Test
    void tokenResponseWithoutInstanceUrlIsRefusedWithoutShowingTheToken() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\"}")));

        SalesforceLoginException error = loginFails(passwordConfig());

        assertThat(error.getMessage()).contains("instance_url");
    }

    @Test
    void unreachableTokenEndpointIsReportedWithStatusZeroAndNoSecret() {
        SfStreamConfiguration config = passwordConfig();
        config.setLoginUrl("http://127.0.0.1:1");

        SalesforceLoginException error = loginFails(config);

        assertThat(error.getHttpStatus()).isZero();
        assertThat(error.getMessage()).contains("could not reach");
    }

    @Test
    void wrongCredentialsAreMatchedOnTheFormAndNotTheHappyPath() {
        // the token endpoint only accepts the right password: a sanity check that the form is what is matched
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("password", equalTo(PASSWORD))
                .willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"instance_url\":\"https://x.example\"}")));
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withFormParam("password", equalTo("wrong-PWbad")).willReturn(
                aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}")));

        assertThat(new SalesforceLogin(http, json, passwordConfig()).login().value()).isEqualTo(ACCESS_TOKEN);
        SfStreamConfiguration wrong = passwordConfig();
        wrong.setPassword("wrong-PWbad");
        SalesforceLoginException error = catchThrowableOfType(SalesforceLoginException.class,
                () -> new SalesforceLogin(http, json, wrong).login());
        assertThat(error).isNotNull();
        assertThat(error.isCredentialsRejected()).isTrue();
        assertThat(error.getMessage()).doesNotContain("wrong-PWbad").doesNotContain(CLIENT_SECRET);
    }
}
