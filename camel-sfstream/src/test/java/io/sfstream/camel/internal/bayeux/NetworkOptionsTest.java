package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.BayeuxTransportException;
import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.login.AccessToken;
import io.sfstream.camel.internal.login.BoundedBody;
import io.sfstream.camel.internal.login.HttpClients;
import io.sfstream.camel.internal.login.SalesforceLogin;

import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proxy (with Basic credentials and non-proxy hosts), TLS with a self-signed certificate trusted through
 * SSLContextParameters, and maxMessageSize, against WireMock.
 */
public class NetworkOptionsTest {

    static final String CLIENT_ID = "3MVG9-net-client-CID808";
    static final String CLIENT_SECRET = "net-secret-SEC909";
    static final String ACCESS_TOKEN = "00Dx0000000NETWK!AR8AQ-access-TOK707";
    static final String PROXY_USER = "proxy-user-PU606";
    static final String PROXY_PASSWORD = "proxy-password-PP505";
    public static final List<String> SECRETS = List.of(CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN, PROXY_USER, PROXY_PASSWORD);
    static final String STORE_PASSWORD = "sfstream-test";
    private static final String TOKEN_PATH = "/services/oauth2/token";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()
            .dynamicHttpsPort()
            .keystorePath(NetworkOptionsTest.class.getResource("/tls/server.p12").getPath())
            .keystoreType("PKCS12").keystorePassword(STORE_PASSWORD).keyManagerPassword(STORE_PASSWORD)
            .enableBrowserProxying(true)).build();

    private final ObjectMapper json = new ObjectMapper();
    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private static String tokenBody() {
        return "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"instance_url\":\"https://na1.example.my.salesforce.com\"}";
    }

    private SfStreamConfiguration config(String loginUrl) {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setLoginUrl(loginUrl);
        config.setClientId(CLIENT_ID);
        config.setClientSecret(CLIENT_SECRET);
        return config;
    }

    private AccessToken login(SfStreamConfiguration config) {
        HttpClient http = HttpClients.builder(config, context).build();
        return new SalesforceLogin(http, json, config, context).login();
    }

    @Test
    void theTokenRequestGoesThroughTheProxyWithBasicCredentials() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withHeader("Proxy-Authorization", absent()).atPriority(2)
                .willReturn(aResponse().withStatus(407).withHeader("Proxy-Authenticate", "Basic realm=\"corp\"")));
        String basic = "Basic " + Base64.getEncoder().encodeToString((PROXY_USER + ":" + PROXY_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).withHeader("Proxy-Authorization", equalTo(basic)).atPriority(1)
                .willReturn(okJson(tokenBody())));
        SfStreamConfiguration config = config("http://login.unreachable.invalid");
        config.setProxyHost("localhost");
        config.setProxyPort(wm.getPort());
        config.setProxyUsername(PROXY_USER);
        config.setProxyPassword(PROXY_PASSWORD);
        SalesforceLogin.validate(config, context);

        assertThat(login(config).value()).isEqualTo(ACCESS_TOKEN);
        wm.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withHeader("Host",
                equalTo("login.unreachable.invalid")).withHeader("Proxy-Authorization", equalTo(basic)));
    }

    @Test
    void nonProxyHostsBypassTheProxy() {
        HttpClients.NonProxySelector selector = new HttpClients.NonProxySelector("proxy.corp", 3128,
                "localhost| *.internal.example.com ,10.0.*");
        assertThat(selector.select(URI.create("http://localhost:8080/x"))).containsExactly(Proxy.NO_PROXY);
        assertThat(selector.select(URI.create("https://api.internal.example.com/x"))).containsExactly(Proxy.NO_PROXY);
        assertThat(selector.select(URI.create("https://API.Internal.Example.com/x"))).containsExactly(Proxy.NO_PROXY);
        assertThat(selector.select(URI.create("http://10.0.3.4/x"))).containsExactly(Proxy.NO_PROXY);
        assertThat(selector.select(URI.create("https://login.salesforce.com/x")).get(0).type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(selector.select(URI.create("https://internal.example.com.evil.org/x")).get(0).type())
                .isEqualTo(Proxy.Type.HTTP);

        // a bypassed host is reached directly: WireMock answers without a proxy in between
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenBody())));
        SfStreamConfiguration config = config(("http://localhost:" + wm.getPort()));
        config.setProxyHost("proxy.unreachable.invalid");
        config.setProxyPort(3128);
        config.setNonProxyHosts("localhost|127.0.0.1");
        assertThat(login(config).value()).isEqualTo(ACCESS_TOKEN);
    }

    @Test
    void proxyOptionsAreCheckedAtStartup() {
        SfStreamConfiguration config = config("https://login.salesforce.com");
        config.setProxyHost("proxy.corp");
        assertThatThrownBy(() -> SalesforceLogin.validate(config, context)).hasMessageContaining("proxyPort");
        SfStreamConfiguration noHost = config("https://login.salesforce.com");
        noHost.setProxyPassword(PROXY_PASSWORD);
        assertThatThrownBy(() -> SalesforceLogin.validate(noHost, context)).hasMessageContaining("need proxyHost")
                .hasMessageNotContaining(PROXY_PASSWORD);
    }

    @Test
    void aSelfSignedCertificateFailsUntilSslContextParametersTrustIt() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenBody())));
        SfStreamConfiguration config = config("https://localhost:" + wm.getHttpsPort());
        assertThatThrownBy(() -> login(config)).isInstanceOf(SalesforceLoginException.class)
                .hasMessageContaining("could not reach").hasMessageContaining("SSLHandshakeException");

        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource("classpath:tls/truststore.p12");
        trust.setType("PKCS12");
        trust.setPassword(STORE_PASSWORD);
        TrustManagersParameters managers = new TrustManagersParameters();
        managers.setKeyStore(trust);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(managers);
        config.setSslContextParameters(tls);
        SalesforceLogin.validate(config, context);
        assertThat(login(config).value()).isEqualTo(ACCESS_TOKEN);

        // the same trust through the CamelContext's global parameters
        SfStreamConfiguration global = config("https://localhost:" + wm.getHttpsPort());
        context.setSSLContextParameters(tls);
        global.setUseGlobalSslContextParameters(true);
        assertThat(login(global).value()).isEqualTo(ACCESS_TOKEN);
    }

    @Test
    void hostNamesAreVerified() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(tokenBody())));
        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource("classpath:tls/truststore.p12");
        trust.setPassword(STORE_PASSWORD);
        TrustManagersParameters managers = new TrustManagersParameters();
        managers.setKeyStore(trust);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(managers);
        // the certificate names localhost and 127.0.0.1, not 127.0.0.2 (also loopback on Linux)
        SfStreamConfiguration config = config("https://127.0.0.2:" + wm.getHttpsPort());
        config.setSslContextParameters(tls);
        assertThatThrownBy(() -> login(config)).isInstanceOf(SalesforceLoginException.class)
                .hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void aBayeuxResponseLargerThanMaxMessageSizeIsAClearError() throws Exception {
        int limit = SfStreamConfiguration.MIN_MAX_MESSAGE_SIZE;
        byte[] big = new byte[limit + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '[';
        big[big.length - 1] = ']';
        wm.stubFor(post(urlPathEqualTo("/cometd/64.0")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(big)));
        BayeuxTransport transport = new BayeuxTransport(HttpClient.newBuilder(), json, limit, null, requestThreads());
        URI url = URI.create(("http://localhost:" + wm.getPort()) + "/cometd/64.0");
        assertThatThrownBy(() -> transport.send(url, ACCESS_TOKEN, json.createArrayNode(), Duration.ofSeconds(10))
                .get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(BayeuxTransportException.class)
                .hasMessageContaining("maxMessageSize (" + limit + " bytes)").hasMessageNotContaining(ACCESS_TOKEN);

        // just below the limit is fine
        wm.stubFor(post(urlPathEqualTo("/cometd/64.0")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(java.util.Arrays.copyOf(big, limit))));
        big[limit - 1] = ']';
        wm.stubFor(post(urlPathEqualTo("/cometd/64.0")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(java.util.Arrays.copyOf(big, limit))));
        assertThat(transport.send(url, ACCESS_TOKEN, json.createArrayNode(), Duration.ofSeconds(10))
                .get(20, TimeUnit.SECONDS).replies()).isEmpty();
    }

    @Test
    void aTokenResponseLargerThanMaxMessageSizeIsAClearLoginError() {
        byte[] big = new byte[SfStreamConfiguration.MIN_MAX_MESSAGE_SIZE + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200).withBody(big)));
        SfStreamConfiguration config = config(("http://localhost:" + wm.getPort()));
        config.setMaxMessageSize(SfStreamConfiguration.MIN_MAX_MESSAGE_SIZE);
        assertThatThrownBy(() -> login(config)).isInstanceOf(SalesforceLoginException.class)
                .hasMessageContaining("exceeds maxMessageSize");
        config.setMaxMessageSize(1024);
        assertThatThrownBy(() -> SalesforceLogin.validate(config, context)).hasMessageContaining("maxMessageSize 1024");
    }

    /** Without Content-Length (chunked), the subscriber counts as the body streams and stops at the limit. */
    @Test
    void theBoundedSubscriberStopsAStreamingBodyAtTheLimit() throws Exception {
        var subscriber = BoundedBody.handler(100).apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return 200;
            }

            @Override
            public java.net.http.HttpHeaders headers() {
                return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true);
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        });
        boolean[] cancelled = { false };
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancelled[0] = true;
            }
        });
        for (int i = 0; i < 10_000; i++) {
            subscriber.onNext(List.of(ByteBuffer.wrap(new byte[60])));
        }
        assertThat(cancelled[0]).isTrue();
        assertThatThrownBy(() -> subscriber.getBody().toCompletableFuture().get())
                .hasCauseInstanceOf(BoundedBody.TooLarge.class).hasMessageContaining("maxMessageSize (100 bytes)");
    }

    @Test
    void httpRequestTimeoutAppliesToBayeuxRequestsButTheLongPoll() {
        BayeuxTransport transport = new BayeuxTransport(HttpClient.newBuilder(), json,
                SfStreamConfiguration.DEFAULT_MAX_MESSAGE_SIZE, Duration.ofSeconds(5), requestThreads());
        Duration longPoll = Duration.ofSeconds(140);
        for (String channel : List.of("/meta/handshake", "/meta/subscribe", "/meta/unsubscribe")) {
            assertThat(transport.timeoutOf(json.createArrayNode().add(json.createObjectNode().put("channel", channel)),
                    Duration.ofSeconds(30))).as(channel).isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(transport.timeoutOf(json.createArrayNode().add(json.createObjectNode().put("channel", "/meta/connect")),
                longPoll)).isEqualTo(longPoll);
        assertThat(transport.timeoutOf(json.createArrayNode().add(json.createObjectNode().put("channel",
                "/meta/disconnect")), Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    /** Daemon threads for a transport's sends, as the session's pool would run them. */
    static ExecutorService requestThreads() {
        return Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "SfStreamHttp-test");
            thread.setDaemon(true);
            return thread;
        });
    }
}
