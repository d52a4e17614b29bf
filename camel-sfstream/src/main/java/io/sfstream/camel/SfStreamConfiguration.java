package io.sfstream.camel;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The options of the sfstream component and its endpoints. The component holds the defaults; every endpoint works on
 * a {@link #copy()} of them with its own URI options applied on top.
 */
@UriParams
@Configurer
public class SfStreamConfiguration implements Cloneable {

    public static final String DEFAULT_LOGIN_URL = "https://login.salesforce.com";
    public static final String SANDBOX_LOGIN_URL = "https://test.salesforce.com";
    /** Summer '25: the first version in which Salesforce may send a server-side /meta/disconnect. */
    public static final String DEFAULT_API_VERSION = "64.0";
    public static final String NEW_EVENTS = "NEW_EVENTS";
    public static final String ALL_EVENTS = "ALL_EVENTS";
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    public static final int MIN_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;
    public static final String DEFAULT_PUBSUB_HOST = "api.pubsub.salesforce.com";
    public static final int DEFAULT_PUBSUB_PORT = 7443;

    @SessionOption
    @UriParam(label = "security", defaultValue = DEFAULT_LOGIN_URL,
              description = "The Salesforce login URL: https://login.salesforce.com, https://test.salesforce.com or the org's My Domain URL. The OAuth token endpoint is {loginUrl}/services/oauth2/token.")
    private String loginUrl;
    @UriParam(label = "security", defaultValue = "false",
              description = "Shortcut for loginUrl=https://test.salesforce.com; ignored when loginUrl is set.")
    private boolean sandbox;
    @SessionOption
    @UriParam(label = "security", secret = true, description = "The consumer key of the connected app.")
    private String clientId;
    @SessionOption
    @UriParam(label = "security", secret = true, description = "The consumer secret of the connected app.")
    private String clientSecret;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "The Salesforce user name for the OAuth username-password flow.")
    private String username;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "The password (followed by the security token unless the IP range is trusted) for the OAuth username-password flow.")
    private String password;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "A refresh token for the OAuth refresh-token flow. When set, it is used instead of username and password.")
    private String refreshToken;
    @SessionOption
    @UriParam(defaultValue = "STREAMING",
              description = "The Salesforce API to consume over: STREAMING (the Streaming API, CometD, every channel kind) or PUBSUB (the Pub/Sub API, gRPC: /event/ and /data/ channels only; needs the io.sfstream:camel-sfstream-pubsub artifact on the classpath).")
    private SfStreamApi api = SfStreamApi.STREAMING;
    @SessionOption
    @UriParam(label = "pubsub", defaultValue = DEFAULT_PUBSUB_HOST,
              description = "The host of the Pub/Sub API (api=PUBSUB).")
    private String pubSubHost = DEFAULT_PUBSUB_HOST;
    @SessionOption
    @UriParam(label = "pubsub", defaultValue = "7443", description = "The port of the Pub/Sub API (api=PUBSUB).")
    private int pubSubPort = DEFAULT_PUBSUB_PORT;
    @SessionOption
    @UriParam(label = "pubsub,advanced", defaultValue = "false",
              description = "Talk to the Pub/Sub API without TLS (api=PUBSUB). Only for local emulators and tests: the access token would cross the network in clear text. Salesforce accepts TLS only.")
    private boolean pubSubPlaintext;
    @SessionOption
    @UriParam(label = "pubsub,advanced", defaultValue = "5s", javaType = "java.time.Duration",
              description = "How often gRPC pings the Pub/Sub API on an idle connection (api=PUBSUB), so that a half-open connection is noticed within seconds instead of at the next keepalive response (up to 270s).")
    private Duration pubSubKeepAliveTime = Duration.ofSeconds(5);
    @UriParam(label = "pubsub", defaultValue = "false",
              description = "With api=PUBSUB: keep the changedFields, nulledFields and diffFields of change events in Salesforce's bitmap form (0x..., p-0x...) instead of decoding them into field names.")
    private boolean pubSubRawBitmaps;
    @SessionOption
    @UriParam(label = "security",
              description = "The org id sent as the Pub/Sub API's tenantid header (api=PUBSUB) when the login flow gives no identity URL: with accessToken or tokenSupplier. The other flows read it from the token response's id URL.")
    private String orgId;
    @SessionOption
    @UriParam(defaultValue = DEFAULT_API_VERSION,
              description = "The Salesforce API version of the streaming endpoint {instance_url}/cometd/{apiVersion}.")
    private String apiVersion = DEFAULT_API_VERSION;
    @UriParam(defaultValue = NEW_EVENTS,
              description = "Where a subscription starts: NEW_EVENTS (replayId -1, only events published after subscribing), ALL_EVENTS (replayId -2, every retained event, then new ones) or a numeric replayId (the events after that one).")
    private String replay = NEW_EVENTS;
    @UriParam(defaultValue = "100",
              description = "The bound on events fetched from Salesforce but not yet processed by the route, per endpoint. A full endpoint stops taking events of its channel and resumes after the last one it took once half of them are processed; other channels of the session are not affected.")
    private int maxPendingCount = 100;
    @UriParam(label = "advanced",
              description = "The Jackson ObjectMapper that turns event data into the body (MAP, JSON_NODE, POJO). Defaults to a plain ObjectMapper.")
    private ObjectMapper objectMapper;
    @UriParam(defaultValue = "MAP", description = "What the body holds: MAP, JSON_NODE, STRING, POJO, or (api=PUBSUB only) GENERIC_RECORD, the Avro record as decoded with its writer schema.")
    private BodyType bodyType = BodyType.MAP;
    @UriParam(description = "The class events are bound to when bodyType=POJO: the sobject of PushTopic events, the payload of platform and change events, the data of generic events.")
    private Class<?> unmarshalType;
    @UriParam(label = "replay", javaType = "java.lang.Object",
              description = "Where replay markers are kept: a file path (or file:path) for the crash-safe file store, or a bean (#name) that is a ReplayMarkerStore, a Camel StateRepository<String,String> or a Map<String,String>. Without it markers live in memory as long as the CamelContext.")
    private Object replayStore;
    @UriParam(label = "replay",
              description = "The key of this endpoint's replay marker and subscription identity; defaults to the bare channel (PushTopic filter query removed). Two routes on one channel with different names keep separate progress.")
    private String subscriptionName;
    @UriParam(label = "replay", defaultValue = "ON_COMPLETION",
              description = "When the replay marker advances: ON_COMPLETION (the exchange completed successfully, never past an earlier event still in flight), ON_RECEIVE (when the event is handed to the route) or MANUAL (the route calls the ReplayCommitter in the CamelSfStreamReplayCommitter header).")
    private ReplayCommit replayCommit = ReplayCommit.ON_COMPLETION;
    @UriParam(label = "replay", defaultValue = "1s", javaType = "java.time.Duration",
              description = "How often the newest committed marker is written to the store and flushed (and once more on graceful stop). After a crash, at most the events completed during the last interval, plus those in flight, are delivered again.")
    private Duration replayCommitInterval = Duration.ofSeconds(1);
    @UriParam(label = "replay", defaultValue = "NONE",
              description = "When Salesforce rejects the stored replayId as no longer retained: NONE (fail the subscription), ALL_EVENTS (resubscribe with -2, lossless within retention) or NEW_EVENTS (resubscribe with -1, skipping the gap). The stale marker is replaced once events flow.")
    private ReplayFallback replayFallback = ReplayFallback.NONE;
    @UriParam(label = "worker", defaultValue = "OPEN_IF_FREE",
              description = "How this worker shares the subscription (subscriptionName) with other workers using the same replay store, through a lease in the store: OPEN_IF_FREE (start only if no live worker holds it, else fail with SubscriptionInUseException; a holder the store proves dead, as the file store does for a killed process, is replaced at once, and on a store that cannot prove it alive the worker waits, readiness DOWN, until the holder renews (then it fails) or its lease expires (then it takes over)), WAIT_FOR_FREE (stand by until the holder leaves or its lease expires, then continue from its marker) or TAKE_OVER (displace the holder unless it uses TAKE_OVER too). CONCURRENT is rejected: a broadcast stream with one replay position cannot be split between workers. Needs an atomic store (file, in-memory, ConcurrentMap or a custom atomic store); on a StateRepository or plain Map only OPEN_IF_FREE is allowed, without coordination.")
    private WorkerStrategy strategy = WorkerStrategy.OPEN_IF_FREE;
    @UriParam(label = "worker",
              description = "The id of this worker in leases, messages, JMX and health details: 1 to 100 letters, digits or . _ : @ -. Defaults to the host name, the process id and a random number (e.g. myhost-4242-1a2b3c), made up once per JVM and shared by all its endpoints; two routes of one JVM on the same subscription need an id each to exclude each other. Not needed for restarts on the file store, which proves a killed predecessor gone; on a data grid's map a stable id per instance (e.g. the host name) lets a restarted instance take its own lease back at once instead of waiting it out.")
    private String workerId;
    @UriParam(label = "worker", defaultValue = "30s", javaType = "java.time.Duration",
              description = "How long a worker's lease on the subscription runs without renewal; it is renewed every third of it. A worker that dies is replaced by a WAIT_FOR_FREE worker after at most this long; a worker that cannot renew in time stops consuming. Workers on different machines need clocks in sync well within it.")
    private Duration leaseDuration = Duration.ofSeconds(30);
    @UriParam(defaultValue = "false",
              description = "When false, an exchange that fails (the error handler gave up) stops the consumer's delivery and its replay marker stays before the failed event, so a restart retries it; when true, the failed event counts as done and delivery continues.")
    private boolean ignoreSubscriberErrors;
    @UriParam(defaultValue = "1",
              description = "Up to this many events of the channel in one exchange: the body is a List of event bodies and the CamelSfStreamBatchHeaders header a parallel List of each event's headers. The commit covers the batch's last event.")
    private int maxBatchSize = 1;
    @UriParam(defaultValue = "500ms", javaType = "java.time.Duration",
              description = "With maxBatchSize > 1, how long to wait for more events before handing a partial batch to the route.")
    private Duration batchTimeout = Duration.ofMillis(500);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "1s", javaType = "java.time.Duration",
              description = "The first delay before reconnecting after a transport error (the server unreachable, an HTTP error, a response cut off), doubled on every further failure (with jitter) up to maxReconnectDelay. A connect lost without a Bayeux reply is always followed by a new handshake that resubscribes every channel after its last event, since the lost response may have carried events.")
    private Duration timeToWaitBeforeConnectionRetry = Duration.ofSeconds(1);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "10s", javaType = "java.time.Duration",
              description = "The longest delay between two reconnection attempts after transport errors, so once a fault is over the first event flows within this long; also the pace of retries that cannot succeed soon (rejected credentials, org limits). Answers from Salesforce that say what to do (an expired token, an expired session) are acted on at once, whatever back-off an earlier outage built up.")
    private Duration maxReconnectDelay = Duration.ofSeconds(10);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "10s", javaType = "java.time.Duration",
              description = "Once the session has been unable to reconnect this long, a TransportTimeoutException is reported through the exception handler (once per outage) and the session counts as timed out for readiness checks, while reconnecting goes on. 0 never times out.")
    private Duration connectionTimeout = Duration.ofSeconds(10);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "0", javaType = "java.time.Duration",
              description = "Once the session has been failing this long without a successful handshake or connect, it stops for good: every consumer of the session gets a fatal SfStreamException and delivers nothing until its route is restarted. 0 (default) retries forever.")
    private Duration maxErroneousPeriod = Duration.ZERO;

    @SessionOption
    @UriParam(label = "security",
              description = "Forces the login flow: USERNAME_PASSWORD, REFRESH_TOKEN, CLIENT_CREDENTIALS, JWT_BEARER, ACCESS_TOKEN or TOKEN_SUPPLIER. Without it the flow follows from the options set.")
    private AuthenticationType authenticationType;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "The JWT bearer flow's private key (RS256): a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----).")
    private String privateKey;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "Path of a PKCS#8 PEM file holding the JWT bearer flow's private key (RS256).")
    private String privateKeyFile;
    @SessionOption
    @UriParam(label = "security",
              description = "A keystore (Camel KeyStoreParameters bean, #name) holding the JWT bearer flow's private key under keystoreAlias.")
    private KeyStoreParameters keystore;
    @SessionOption
    @UriParam(label = "security",
              description = "The alias of the JWT bearer flow's private key in keystore; defaults to the keystore's only key entry.")
    private String keystoreAlias;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "The password of the private key entry in keystore; defaults to the keystore's password.")
    private String keyPassword;
    @SessionOption
    @UriParam(label = "security",
              description = "The aud claim of the JWT bearer flow's assertion; defaults to the login URL (https://login.salesforce.com, https://test.salesforce.com or the My Domain URL).")
    private String jwtAudience;
    @SessionOption
    @UriParam(label = "security", secret = true,
              description = "A fixed access token, used with instanceUrl instead of logging in (tests and short jobs: it is not renewed).")
    private String accessToken;
    @SessionOption
    @UriParam(label = "security",
              description = "The instance URL the fixed accessToken is valid for, e.g. https://mydomain.my.salesforce.com.")
    private String instanceUrl;
    @SessionOption
    @UriParam(label = "security",
              description = "A TokenSupplier bean (#name) that obtains access tokens elsewhere; called at every login.")
    private TokenSupplier tokenSupplier;
    @SessionOption
    @UriParam(label = "proxy", description = "The host of an HTTP proxy for every request (login and streaming).")
    private String proxyHost;
    @SessionOption
    @UriParam(label = "proxy", description = "The port of the HTTP proxy.")
    private Integer proxyPort;
    @SessionOption
    @UriParam(label = "proxy", secret = true, description = "The user name for the HTTP proxy's Basic authentication.")
    private String proxyUsername;
    @SessionOption
    @UriParam(label = "proxy", secret = true, description = "The password for the HTTP proxy's Basic authentication.")
    private String proxyPassword;
    @SessionOption
    @UriParam(label = "proxy",
              description = "Hosts reached without the proxy, separated by | or comma; * is a wildcard (e.g. localhost|*.internal.example.com).")
    private String nonProxyHosts;
    @SessionOption
    @UriParam(label = "security",
              description = "TLS settings (Camel SSLContextParameters bean, #name): trust store, key store, protocols. Certificates and host names are always verified.")
    private SSLContextParameters sslContextParameters;
    @SessionOption
    @UriParam(label = "security", defaultValue = "false",
              description = "Use the CamelContext's global SSLContextParameters when sslContextParameters is not set.")
    private boolean useGlobalSslContextParameters;
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "10s", javaType = "java.time.Duration",
              description = "How long to wait for a TCP (and TLS) connection to the login or streaming host.")
    private Duration httpConnectTimeout = Duration.ofSeconds(10);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "30s", javaType = "java.time.Duration",
              description = "How long a token request or a Bayeux request other than /meta/connect (handshake, subscribe, unsubscribe) may take; the long-poll /meta/connect timeout follows Salesforce's advice instead.")
    private Duration httpRequestTimeout = Duration.ofSeconds(30);
    @SessionOption
    @UriParam(label = "advanced", defaultValue = "16777216",
              description = "The largest response body accepted, in bytes (at least 10 MB, Salesforce's own limit on a response of events). A larger response fails with a BayeuxTransportException naming this option.")
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

    public SfStreamApi getApi() {
        return api;
    }

    public void setApi(SfStreamApi api) {
        this.api = api;
    }

    public String getPubSubHost() {
        return pubSubHost;
    }

    public void setPubSubHost(String pubSubHost) {
        this.pubSubHost = pubSubHost;
    }

    public int getPubSubPort() {
        return pubSubPort;
    }

    public void setPubSubPort(int pubSubPort) {
        this.pubSubPort = pubSubPort;
    }

    public boolean isPubSubPlaintext() {
        return pubSubPlaintext;
    }

    public void setPubSubPlaintext(boolean pubSubPlaintext) {
        this.pubSubPlaintext = pubSubPlaintext;
    }

    public Duration getPubSubKeepAliveTime() {
        return pubSubKeepAliveTime;
    }

    public void setPubSubKeepAliveTime(Duration pubSubKeepAliveTime) {
        this.pubSubKeepAliveTime = pubSubKeepAliveTime;
    }

    public boolean isPubSubRawBitmaps() {
        return pubSubRawBitmaps;
    }

    public void setPubSubRawBitmaps(boolean pubSubRawBitmaps) {
        this.pubSubRawBitmaps = pubSubRawBitmaps;
    }

    public String getOrgId() {
        return orgId;
    }

    public void setOrgId(String orgId) {
        this.orgId = orgId;
    }

    public String getLoginUrl() {
        return loginUrl;
    }

    public void setLoginUrl(String loginUrl) {
        this.loginUrl = loginUrl;
    }

    public boolean isSandbox() {
        return sandbox;
    }

    public void setSandbox(boolean sandbox) {
        this.sandbox = sandbox;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getRefreshToken() {
        return refreshToken;
    }

    public void setRefreshToken(String refreshToken) {
        this.refreshToken = refreshToken;
    }

    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public String getReplay() {
        return replay;
    }

    public void setReplay(String replay) {
        this.replay = replay;
    }

    public int getMaxPendingCount() {
        return maxPendingCount;
    }

    public void setMaxPendingCount(int maxPendingCount) {
        this.maxPendingCount = maxPendingCount;
    }

    public ObjectMapper getObjectMapper() {
        return objectMapper;
    }

    public void setObjectMapper(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    public BodyType getBodyType() {
        return bodyType;
    }

    public void setBodyType(BodyType bodyType) {
        this.bodyType = bodyType;
    }

    public Class<?> getUnmarshalType() {
        return unmarshalType;
    }

    public void setUnmarshalType(Class<?> unmarshalType) {
        this.unmarshalType = unmarshalType;
    }

    public Duration getTimeToWaitBeforeConnectionRetry() {
        return timeToWaitBeforeConnectionRetry;
    }

    public void setTimeToWaitBeforeConnectionRetry(Duration timeToWaitBeforeConnectionRetry) {
        this.timeToWaitBeforeConnectionRetry = timeToWaitBeforeConnectionRetry;
    }

    public Duration getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(Duration maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public Duration getMaxErroneousPeriod() {
        return maxErroneousPeriod;
    }

    public void setMaxErroneousPeriod(Duration maxErroneousPeriod) {
        this.maxErroneousPeriod = maxErroneousPeriod;
    }

    public Object getReplayStore() {
        return replayStore;
    }

    public void setReplayStore(Object replayStore) {
        this.replayStore = replayStore;
    }

    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = subscriptionName;
    }

    public ReplayCommit getReplayCommit() {
        return replayCommit;
    }

    public void setReplayCommit(ReplayCommit replayCommit) {
        this.replayCommit = replayCommit;
    }

    public Duration getReplayCommitInterval() {
        return replayCommitInterval;
    }

    public void setReplayCommitInterval(Duration replayCommitInterval) {
        this.replayCommitInterval = replayCommitInterval;
    }

    public ReplayFallback getReplayFallback() {
        return replayFallback;
    }

    public void setReplayFallback(ReplayFallback replayFallback) {
        this.replayFallback = replayFallback;
    }

    public WorkerStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(WorkerStrategy strategy) {
        this.strategy = strategy;
    }

    public String getWorkerId() {
        return workerId;
    }

    public void setWorkerId(String workerId) {
        this.workerId = workerId;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public boolean isIgnoreSubscriberErrors() {
        return ignoreSubscriberErrors;
    }

    public void setIgnoreSubscriberErrors(boolean ignoreSubscriberErrors) {
        this.ignoreSubscriberErrors = ignoreSubscriberErrors;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public Duration getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(Duration batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    public AuthenticationType getAuthenticationType() {
        return authenticationType;
    }

    public void setAuthenticationType(AuthenticationType authenticationType) {
        this.authenticationType = authenticationType;
    }

    public String getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public String getPrivateKeyFile() {
        return privateKeyFile;
    }

    public void setPrivateKeyFile(String privateKeyFile) {
        this.privateKeyFile = privateKeyFile;
    }

    public KeyStoreParameters getKeystore() {
        return keystore;
    }

    public void setKeystore(KeyStoreParameters keystore) {
        this.keystore = keystore;
    }

    public String getKeystoreAlias() {
        return keystoreAlias;
    }

    public void setKeystoreAlias(String keystoreAlias) {
        this.keystoreAlias = keystoreAlias;
    }

    public String getKeyPassword() {
        return keyPassword;
    }

    public void setKeyPassword(String keyPassword) {
        this.keyPassword = keyPassword;
    }

    public String getJwtAudience() {
        return jwtAudience;
    }

    public void setJwtAudience(String jwtAudience) {
        this.jwtAudience = jwtAudience;
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    public String getInstanceUrl() {
        return instanceUrl;
    }

    public void setInstanceUrl(String instanceUrl) {
        this.instanceUrl = instanceUrl;
    }

    public TokenSupplier getTokenSupplier() {
        return tokenSupplier;
    }

    public void setTokenSupplier(TokenSupplier tokenSupplier) {
        this.tokenSupplier = tokenSupplier;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public Integer getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(Integer proxyPort) {
        this.proxyPort = proxyPort;
    }

    public String getProxyUsername() {
        return proxyUsername;
    }

    public void setProxyUsername(String proxyUsername) {
        this.proxyUsername = proxyUsername;
    }

    public String getProxyPassword() {
        return proxyPassword;
    }

    public void setProxyPassword(String proxyPassword) {
        this.proxyPassword = proxyPassword;
    }

    public String getNonProxyHosts() {
        return nonProxyHosts;
    }

    public void setNonProxyHosts(String nonProxyHosts) {
        this.nonProxyHosts = nonProxyHosts;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public Duration getHttpConnectTimeout() {
        return httpConnectTimeout;
    }

    public void setHttpConnectTimeout(Duration httpConnectTimeout) {
        this.httpConnectTimeout = httpConnectTimeout;
    }

    public Duration getHttpRequestTimeout() {
        return httpRequestTimeout;
    }

    public void setHttpRequestTimeout(Duration httpRequestTimeout) {
        this.httpRequestTimeout = httpRequestTimeout;
    }

    public int getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** The login URL in force: {@code loginUrl}, else the sandbox or production default. */
    public String effectiveLoginUrl() {
        if (loginUrl != null && !loginUrl.isBlank()) {
            return loginUrl.endsWith("/") ? loginUrl.substring(0, loginUrl.length() - 1) : loginUrl;
        }
        return sandbox ? SANDBOX_LOGIN_URL : DEFAULT_LOGIN_URL;
    }

    /**
     * What endpoints that may share a session have in common: a digest of every {@link SessionOption} (beans by
     * identity, loginUrl as {@link #effectiveLoginUrl()}), so that the key never holds a credential in memory dumps or
     * logs.
     */
    public String sessionKey() {
        StringBuilder material = new StringBuilder();
        for (Field field : SESSION_OPTIONS) {
            Object value;
            try {
                value = field.getName().equals("loginUrl") ? effectiveLoginUrl() : field.get(this);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Cannot read option " + field.getName(), e);
            }
            material.append(field.getName()).append('=').append(keyText(value)).append('\u0000');
        }
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(material.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** The options that define a session, by name. */
    static final List<Field> SESSION_OPTIONS = Arrays.stream(SfStreamConfiguration.class.getDeclaredFields())
            .filter(field -> field.isAnnotationPresent(SessionOption.class))
            .sorted(Comparator.comparing(Field::getName))
            .toList();

    private static String keyText(Object value) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Duration) {
            return String.valueOf(value);
        }
        // beans (key stores, token suppliers, SSL parameters) by identity
        return value.getClass().getName() + "@" + System.identityHashCode(value);
    }

    public SfStreamConfiguration copy() {
        try {
            // every field is immutable or shared on purpose (the ObjectMapper bean), so a shallow copy is enough
            return (SfStreamConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** Never shows credentials: this string may reach logs. */
    @Override
    public String toString() {
        return "SfStreamConfiguration[loginUrl=" + effectiveLoginUrl() + ", apiVersion=" + apiVersion + ", replay="
               + replay + ", maxPendingCount=" + maxPendingCount + ", bodyType=" + bodyType + "]";
    }
}
