package io.sfstream.camel.internal.login;


import io.sfstream.camel.AuthenticationType;
import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SalesforceToken;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamEndpoint;
import io.sfstream.camel.TokenSupplier;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every login flow against a WireMock token endpoint: the JWT bearer assertion (verified with the public key), client
 * credentials, a fixed access token and a TokenSupplier; flow selection and its startup errors; URI sanitizing.
 */
public class AuthenticationFlowsTest {

    static final String CLIENT_ID = "3MVG9-jwt-client-CID246";
    static final String CLIENT_SECRET = "cc-secret-SEC135";
    static final String USERNAME = "carol.jwt@example.com";
    static final String ACCESS_TOKEN = "00Dx0000000AUTHF!AR8AQ-access-TOK975";
    static final String FIXED_TOKEN = "00Dx0000000FIXED!AR8AQ-fixed-TOK864";
    static final String STORE_PASSWORD = "ks-password-PW753";
    static final String INSTANCE = "https://na9.example.my.salesforce.com";
    /** Registered with the leak check: none of these may appear in any log line of the build. */
    public static final List<String> SECRETS = List.of(CLIENT_ID, CLIENT_SECRET, USERNAME, ACCESS_TOKEN, FIXED_TOKEN,
            STORE_PASSWORD, "carol.jwt%40example.com");

    private static final String TOKEN_PATH = "/services/oauth2/token";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    static Path dir;

    static Path keystore;
    static Path pemFile;
    static String pem;
    static PublicKey publicKey;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    /** A key pair made by the JDK's keytool (a PKCS12 entry needs a certificate), also written as PKCS#8 PEM. */
    @BeforeAll
    static void generateKeys() throws Exception {
        keystore = dir.resolve("jwt.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "jwt", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=jwt",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass",
                STORE_PASSWORD).redirectErrorStream(true).start();
        byte[] out = keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("jwt", STORE_PASSWORD.toCharArray());
        publicKey = store.getCertificate("jwt").getPublicKey();
        pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        pemFile = dir.resolve("jwt.pem");
        Files.writeString(pemFile, pem);
    }

    private static void tokenEndpointSucceeds() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN + "\","
                                                                       + "\"instance_url\":\"" + INSTANCE + "/\","
                                                                       + "\"token_type\":\"Bearer\"}")));
    }

    private static Map<String, String> lastForm() {
        List<LoggedRequest> requests = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        assertThat(requests).isNotEmpty();
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : requests.get(requests.size() - 1).getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private SfStreamConfiguration jwtConfig() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl(wm.baseUrl());
        config.setClientId(CLIENT_ID);
        config.setUsername(USERNAME);
        return config;
    }

    private void assertSignedAssertion(String assertion, String audience) throws Exception {
        String[] parts = assertion.split("\\.");
        assertThat(parts).hasSize(3);
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("RS256 signature").isTrue();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(claims.path("iss").asText()).isEqualTo(CLIENT_ID);
        assertThat(claims.path("sub").asText()).isEqualTo(USERNAME);
        assertThat(claims.path("aud").asText()).isEqualTo(audience);
        long now = System.currentTimeMillis() / 1000;
        assertThat(claims.path("exp").asLong()).isBetween(now + 150, now + 190);
    }

    @Test
    void jwtBearerWithAPemFileSendsAnAssertionSignedWithTheKey() throws Exception {
        tokenEndpointSucceeds();
        SfStreamConfiguration config = jwtConfig();
        config.setPrivateKeyFile(pemFile.toString());
        SalesforceLogin login = new SalesforceLogin(http, json, config);
        assertThat(login.flow()).isEqualTo(LoginFlow.JWT_BEARER);
        AccessToken token = login.login();
        assertThat(token.value()).isEqualTo(ACCESS_TOKEN);
        assertThat(token.instanceUrl()).isEqualTo(URI.create(INSTANCE));
        Map<String, String> form = lastForm();
        assertThat(form).containsOnlyKeys("grant_type", "assertion");
        assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        assertSignedAssertion(form.get("assertion"), wm.baseUrl());
    }

    @Test
    void jwtBearerWithPemTextAndAnAudienceOverride() throws Exception {
        tokenEndpointSucceeds();
        SfStreamConfiguration config = jwtConfig();
        config.setPrivateKey(pem);
        config.setJwtAudience("https://test.salesforce.com");
        new SalesforceLogin(http, json, config).login();
        assertSignedAssertion(lastForm().get("assertion"), "https://test.salesforce.com");
    }

    @Test
    void jwtBearerWithAKeystoreBean() throws Exception {
        tokenEndpointSucceeds();
        try (CamelContext context = new DefaultCamelContext()) {
            KeyStoreParameters ksp = new KeyStoreParameters();
            ksp.setResource("file:" + keystore);
            ksp.setType("PKCS12");
            ksp.setPassword(STORE_PASSWORD);
            SfStreamConfiguration config = jwtConfig();
            config.setKeystore(ksp);
            assertThat(SalesforceLogin.validate(config, context)).isEqualTo(LoginFlow.JWT_BEARER);
            new SalesforceLogin(http, json, config, context).login();
            assertSignedAssertion(lastForm().get("assertion"), wm.baseUrl());

            config.setKeystoreAlias("missing");
            assertThatThrownBy(() -> SalesforceLogin.validate(config, context))
                    .hasMessageContaining("keystoreAlias").hasMessageNotContaining(STORE_PASSWORD);
            config.setKeystoreAlias(null);
            config.setKeyPassword("wrong-" + STORE_PASSWORD);
            assertThatThrownBy(() -> SalesforceLogin.validate(config, context))
                    .hasMessageContaining("keyPassword").hasMessageNotContaining(STORE_PASSWORD);
        }
    }

    @Test
    void aBrokenPemIsAClearStartupErrorWithoutTheKey() {
        SfStreamConfiguration config = jwtConfig();
        config.setPrivateKey("-----BEGIN RSA PRIVATE KEY-----\nMIIEow-not-really\n-----END RSA PRIVATE KEY-----");
        assertThatThrownBy(() -> SalesforceLogin.validate(config, null))
                .hasMessageContaining("privateKey is not a PKCS#8 PEM").hasMessageNotContaining("MIIEow");
        config.setPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA-garbage\n-----END PRIVATE KEY-----");
        assertThatThrownBy(() -> SalesforceLogin.validate(config, null))
                .hasMessageContaining("not a valid unencrypted RSA PKCS#8").hasMessageNotContaining("garbage");
    }

    @Test
    void clientCredentialsSendsIdAndSecret() {
        tokenEndpointSucceeds();
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl(wm.baseUrl());
        config.setClientId(CLIENT_ID);
        config.setClientSecret(CLIENT_SECRET);
        SalesforceLogin login = new SalesforceLogin(http, json, config);
        assertThat(login.flow()).isEqualTo(LoginFlow.CLIENT_CREDENTIALS);
        assertThat(login.login().value()).isEqualTo(ACCESS_TOKEN);
        assertThat(lastForm()).containsExactly(Map.entry("grant_type", "client_credentials"),
                Map.entry("client_id", CLIENT_ID), Map.entry("client_secret", CLIENT_SECRET));
    }

    @Test
    void aFixedAccessTokenNeedsNoLogin() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl("http://unreachable.invalid");
        config.setAccessToken(FIXED_TOKEN);
        config.setInstanceUrl(INSTANCE + "/");
        SalesforceLogin login = new SalesforceLogin(http, json, config);
        assertThat(login.flow()).isEqualTo(LoginFlow.ACCESS_TOKEN);
        AccessToken token = login.login();
        assertThat(token.value()).isEqualTo(FIXED_TOKEN);
        assertThat(token.instanceUrl()).isEqualTo(URI.create(INSTANCE));
        assertThat(token.toString()).doesNotContain(FIXED_TOKEN);

        config.setInstanceUrl(null);
        assertThatThrownBy(() -> LoginFlow.of(config)).hasMessageStartingWith(
                "Missing Salesforce credentials for sfstream: instanceUrl.").hasMessageNotContaining(FIXED_TOKEN);
        config.setInstanceUrl("na9.example.my.salesforce.com");
        assertThatThrownBy(() -> SalesforceLogin.validate(config, null)).hasMessageContaining("Invalid instanceUrl");
    }

    @Test
    void aTokenSupplierIsCalledAtEveryLogin() {
        AtomicInteger calls = new AtomicInteger();
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setTokenSupplier(() -> new SalesforceToken(ACCESS_TOKEN + calls.incrementAndGet(), URI.create(INSTANCE)));
        SalesforceLogin login = new SalesforceLogin(http, json, config);
        assertThat(login.flow()).isEqualTo(LoginFlow.TOKEN_SUPPLIER);
        assertThat(login.login().value()).isEqualTo(ACCESS_TOKEN + 1);
        assertThat(login.login().value()).isEqualTo(ACCESS_TOKEN + 2);
        assertThat(new SalesforceToken(ACCESS_TOKEN, URI.create(INSTANCE)).toString()).doesNotContain(ACCESS_TOKEN);

        config.setTokenSupplier(() -> {
            throw new IllegalStateException("vault sealed");
        });
        assertThatThrownBy(() -> new SalesforceLogin(http, json, config).login())
                .isInstanceOf(SalesforceLoginException.class)
                .hasMessageContaining("token supplier flow failed: the tokenSupplier failed: IllegalStateException vault sealed");
        config.setTokenSupplier(() -> null);
        assertThatThrownBy(() -> new SalesforceLogin(http, json, config).login())
                .hasMessageContaining("returned no token");
    }

    @Test
    void flowSelectionConflictsAndForcedTypes() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setClientId(CLIENT_ID);
        config.setRefreshToken("rt-value-RT1");
        config.setPrivateKey(pem);
        assertThatThrownBy(() -> LoginFlow.of(config)).hasMessageStartingWith("Conflicting Salesforce credentials")
                .hasMessageContaining("refreshToken").hasMessageContaining("authenticationType")
                .hasMessageNotContaining("rt-value-RT1").hasMessageNotContaining(CLIENT_ID);
        config.setAuthenticationType(AuthenticationType.REFRESH_TOKEN);
        assertThat(LoginFlow.of(config)).isEqualTo(LoginFlow.REFRESH_TOKEN);
        config.setAuthenticationType(AuthenticationType.JWT_BEARER);
        assertThatThrownBy(() -> LoginFlow.of(config)).hasMessageStartingWith(
                "Missing Salesforce credentials for sfstream: username. The JWT bearer flow is forced by authenticationType.");
        config.setPrivateKeyFile(pemFile.toString());
        assertThatThrownBy(() -> LoginFlow.of(config))
                .hasMessageContaining("set only one of privateKey, privateKeyFile and keystore");

        SfStreamConfiguration forced = new SfStreamConfiguration();
        forced.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        assertThatThrownBy(() -> LoginFlow.of(forced))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: clientId, clientSecret.")
                .hasMessageContaining("the JWT bearer flow needs clientId, username and one of privateKey");
        forced.setAuthenticationType(AuthenticationType.TOKEN_SUPPLIER);
        assertThatThrownBy(() -> LoginFlow.of(forced))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: tokenSupplier.");
        forced.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        forced.setClientId("c");
        forced.setClientSecret("s");
        assertThatThrownBy(() -> LoginFlow.of(forced))
                .hasMessageStartingWith("Missing Salesforce credentials for sfstream: username, password.");
    }

    @Test
    void camelMasksEveryCredentialOptionInSanitizedUris() {
        String uri = "sfstream:/topic/Orders?clientId=" + CLIENT_ID + "&clientSecret=" + CLIENT_SECRET + "&username="
                     + USERNAME + "&password=pw-PW1&refreshToken=rt-RT1&accessToken=" + FIXED_TOKEN
                     + "&privateKey=pk-PK1&privateKeyFile=/secret/pk-FILE1.pem&keyPassword=kp-KP1"
                     + "&proxyUsername=pu-PU1&proxyPassword=pp-PP1&instanceUrl=" + INSTANCE;
        String sanitized = URISupport.sanitizeUri(uri);
        for (String value : List.of(CLIENT_ID, CLIENT_SECRET, USERNAME, "pw-PW1", "rt-RT1", FIXED_TOKEN, "pk-PK1",
                "pk-FILE1", "kp-KP1", "pu-PU1", "pp-PP1")) {
            assertThat(sanitized).doesNotContain(value);
        }
        assertThat(sanitized).contains("instanceUrl=" + INSTANCE);
    }

    @Test
    void endpointToStringAndUriHideCredentials() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/Orders?clientId=" + CLIENT_ID
                                                            + "&accessToken=" + FIXED_TOKEN + "&instanceUrl=" + INSTANCE
                                                            + "&authenticationType=ACCESS_TOKEN",
                    SfStreamEndpoint.class);
            assertThat(endpoint.toString()).doesNotContain(FIXED_TOKEN).doesNotContain(CLIENT_ID);
            assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).doesNotContain(FIXED_TOKEN)
                    .doesNotContain(CLIENT_ID);
            assertThat(endpoint.getConfiguration().toString()).doesNotContain(FIXED_TOKEN);
        }
    }

    @Test
    void jmxShowsNoCredentialOfTheEndpoint() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.getCamelContextExtension().setName("jmx-secrets");
            context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("sfstream:/topic/Orders?clientId=" + CLIENT_ID + "&accessToken=" + FIXED_TOKEN
                         + "&instanceUrl=" + INSTANCE + "&proxyHost=localhost&proxyPort=3128&proxyUsername=" + USERNAME
                         + "&proxyPassword=" + STORE_PASSWORD).routeId("jmx-secrets").autoStartup(false).to("mock:x");
                }
            });
            context.start();
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            var names = server.queryNames(new javax.management.ObjectName(
                    "org.apache.camel:context=jmx-secrets,type=endpoints,*"), null);
            var sfstream = names.stream().filter(n -> n.toString().contains("sfstream")).toList();
            assertThat(sfstream).as("sfstream endpoint MBean").isNotEmpty();
            for (var name : sfstream) {
                String shown = name + " " + server.getAttribute(name, "EndpointUri") + " "
                               + server.getAttribute(name, "EndpointBaseUri");
                for (String secret : List.of(CLIENT_ID, FIXED_TOKEN, USERNAME, STORE_PASSWORD)) {
                    assertThat(shown).doesNotContain(secret);
                }
                assertThat(shown).contains("xxxxxx");
            }
        }
    }
}
