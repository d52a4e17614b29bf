package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarkerStore;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Expression;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.builder.EndpointConsumerBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.URISupport;

/**
 * Endpoint DSL for Java routes: a type-safe {@code sfstream:} endpoint, one fluent method per endpoint option.
 *
 * <pre>
 * from(SfStreamEndpointBuilder.sfstream("/topic/OrderUpdates").replay("ALL_EVENTS").maxPendingCount(42))
 *         .log("${body}");
 * </pre>
 *
 * Values that have a text form (strings, numbers, booleans, enums, durations, classes, {@code #bean} references) go
 * into the endpoint URI; objects (an {@code ObjectMapper}, a store, {@code SSLContextParameters}, ...) are handed to
 * the endpoint as they are. Needs {@code camel-core-model} (present wherever a {@code RouteBuilder} is written).
 * EndpointDslInStepTest keeps the methods in step with the endpoint options of the component's metadata.
 */
public final class SfStreamEndpointBuilder implements EndpointConsumerBuilder {

    private final String channel;
    /** Options with a text form, rendered into the URI. */
    private final Map<String, Object> uriOptions = new LinkedHashMap<>();
    /** Object-valued options, set on the endpoint as they are. */
    private final Map<String, Object> objectOptions = new LinkedHashMap<>();

    private SfStreamEndpointBuilder(String channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** An endpoint on the channel, written as Salesforce names it: {@code /topic/Name}, {@code /event/Name__e}, ... */
    public static SfStreamEndpointBuilder sfstream(String channel) {
        return new SfStreamEndpointBuilder(channel);
    }

    // ------------------------------------------------------------------ consumer

    /** The Salesforce API version of the streaming endpoint (default 64.0). */
    /** {@code STREAMING} (default) or {@code PUBSUB} (needs the camel-sfstream-pubsub artifact). */
    public SfStreamEndpointBuilder api(SfStreamApi api) {
        return text("api", api);
    }

    public SfStreamEndpointBuilder api(String api) {
        return text("api", api);
    }

    public SfStreamEndpointBuilder pubSubHost(String pubSubHost) {
        return text("pubSubHost", pubSubHost);
    }

    public SfStreamEndpointBuilder pubSubPort(int pubSubPort) {
        return text("pubSubPort", pubSubPort);
    }

    public SfStreamEndpointBuilder pubSubPort(String pubSubPort) {
        return text("pubSubPort", pubSubPort);
    }

    /** Only for emulators and tests: the access token would cross the network in clear text. */
    public SfStreamEndpointBuilder pubSubPlaintext(boolean pubSubPlaintext) {
        return text("pubSubPlaintext", pubSubPlaintext);
    }

    public SfStreamEndpointBuilder pubSubPlaintext(String pubSubPlaintext) {
        return text("pubSubPlaintext", pubSubPlaintext);
    }

    public SfStreamEndpointBuilder pubSubKeepAliveTime(Duration pubSubKeepAliveTime) {
        return duration("pubSubKeepAliveTime", pubSubKeepAliveTime);
    }

    public SfStreamEndpointBuilder pubSubKeepAliveTime(String pubSubKeepAliveTime) {
        return text("pubSubKeepAliveTime", pubSubKeepAliveTime);
    }

    public SfStreamEndpointBuilder pubSubRawBitmaps(boolean pubSubRawBitmaps) {
        return text("pubSubRawBitmaps", pubSubRawBitmaps);
    }

    public SfStreamEndpointBuilder pubSubRawBitmaps(String pubSubRawBitmaps) {
        return text("pubSubRawBitmaps", pubSubRawBitmaps);
    }

    public SfStreamEndpointBuilder orgId(String orgId) {
        return text("orgId", orgId);
    }

    public SfStreamEndpointBuilder apiVersion(String apiVersion) {
        return text("apiVersion", apiVersion);
    }

    /** With maxBatchSize &gt; 1, how long to wait for more events before handing a partial batch (default 500ms). */
    public SfStreamEndpointBuilder batchTimeout(Duration batchTimeout) {
        return duration("batchTimeout", batchTimeout);
    }

    /** With maxBatchSize &gt; 1, how long to wait for more events, as text ({@code 500ms}, {@code 2s}). */
    public SfStreamEndpointBuilder batchTimeout(String batchTimeout) {
        return text("batchTimeout", batchTimeout);
    }

    /** What the body holds: MAP, JSON_NODE, STRING, POJO or, with api=PUBSUB, GENERIC_RECORD (default MAP). */
    public SfStreamEndpointBuilder bodyType(BodyType bodyType) {
        return text("bodyType", bodyType);
    }

    public SfStreamEndpointBuilder bodyType(String bodyType) {
        return text("bodyType", bodyType);
    }

    /** PushTopic filter query ({@code Field='value'}): the endpoint subscribes {@code /topic/Name?Field='value'}. */
    public SfStreamEndpointBuilder filter(String filter) {
        return text("filter", filter);
    }

    /** true: a failed exchange counts as done and delivery continues (default false). */
    public SfStreamEndpointBuilder ignoreSubscriberErrors(boolean ignoreSubscriberErrors) {
        return text("ignoreSubscriberErrors", ignoreSubscriberErrors);
    }

    public SfStreamEndpointBuilder ignoreSubscriberErrors(String ignoreSubscriberErrors) {
        return text("ignoreSubscriberErrors", ignoreSubscriberErrors);
    }

    /** Up to this many events in one exchange (default 1). */
    public SfStreamEndpointBuilder maxBatchSize(int maxBatchSize) {
        return text("maxBatchSize", maxBatchSize);
    }

    public SfStreamEndpointBuilder maxBatchSize(String maxBatchSize) {
        return text("maxBatchSize", maxBatchSize);
    }

    /** Bound on events fetched but not yet processed, per endpoint (default 100). */
    public SfStreamEndpointBuilder maxPendingCount(int maxPendingCount) {
        return text("maxPendingCount", maxPendingCount);
    }

    public SfStreamEndpointBuilder maxPendingCount(String maxPendingCount) {
        return text("maxPendingCount", maxPendingCount);
    }

    /** Where a subscription starts: NEW_EVENTS, ALL_EVENTS or a numeric replayId (default NEW_EVENTS). */
    public SfStreamEndpointBuilder replay(String replay) {
        return text("replay", replay);
    }

    /** Starts after this replayId. */
    public SfStreamEndpointBuilder replay(long replayId) {
        return text("replay", replayId);
    }

    /** With bodyType=POJO, the class events are bound to. */
    public SfStreamEndpointBuilder unmarshalType(Class<?> unmarshalType) {
        return text("unmarshalType", unmarshalType == null ? null : unmarshalType.getName());
    }

    /** With bodyType=POJO, the name of the class events are bound to. */
    public SfStreamEndpointBuilder unmarshalType(String unmarshalType) {
        return text("unmarshalType", unmarshalType);
    }

    /** Route errors while connecting to the route's error handler (Camel's standard consumer option). */
    public SfStreamEndpointBuilder bridgeErrorHandler(boolean bridgeErrorHandler) {
        return text("bridgeErrorHandler", bridgeErrorHandler);
    }

    public SfStreamEndpointBuilder bridgeErrorHandler(String bridgeErrorHandler) {
        return text("bridgeErrorHandler", bridgeErrorHandler);
    }

    /** A custom ExceptionHandler of the consumer (Camel's standard consumer option). */
    public SfStreamEndpointBuilder exceptionHandler(ExceptionHandler exceptionHandler) {
        return object("exceptionHandler", exceptionHandler);
    }

    /** A custom ExceptionHandler bean, {@code #name}. */
    public SfStreamEndpointBuilder exceptionHandler(String exceptionHandler) {
        return text("exceptionHandler", exceptionHandler);
    }

    /** The exchange pattern of the exchanges the consumer creates (Camel's standard consumer option). */
    public SfStreamEndpointBuilder exchangePattern(ExchangePattern exchangePattern) {
        return text("exchangePattern", exchangePattern);
    }

    public SfStreamEndpointBuilder exchangePattern(String exchangePattern) {
        return text("exchangePattern", exchangePattern);
    }

    // ------------------------------------------------------------------ advanced

    /** How long the session may be unable to reconnect before it counts as timed out (default 10s, 0 never). */
    public SfStreamEndpointBuilder connectionTimeout(Duration connectionTimeout) {
        return duration("connectionTimeout", connectionTimeout);
    }

    public SfStreamEndpointBuilder connectionTimeout(String connectionTimeout) {
        return text("connectionTimeout", connectionTimeout);
    }

    /** TCP and TLS connect timeout (default 10s). */
    public SfStreamEndpointBuilder httpConnectTimeout(Duration httpConnectTimeout) {
        return duration("httpConnectTimeout", httpConnectTimeout);
    }

    public SfStreamEndpointBuilder httpConnectTimeout(String httpConnectTimeout) {
        return text("httpConnectTimeout", httpConnectTimeout);
    }

    /** Timeout of a token request (default 30s). */
    public SfStreamEndpointBuilder httpRequestTimeout(Duration httpRequestTimeout) {
        return duration("httpRequestTimeout", httpRequestTimeout);
    }

    public SfStreamEndpointBuilder httpRequestTimeout(String httpRequestTimeout) {
        return text("httpRequestTimeout", httpRequestTimeout);
    }

    /** How long the session may fail before it stops for good (default 0: retry forever). */
    public SfStreamEndpointBuilder maxErroneousPeriod(Duration maxErroneousPeriod) {
        return duration("maxErroneousPeriod", maxErroneousPeriod);
    }

    public SfStreamEndpointBuilder maxErroneousPeriod(String maxErroneousPeriod) {
        return text("maxErroneousPeriod", maxErroneousPeriod);
    }

    /** Largest response body accepted, in bytes (default 16 MB, at least 10 MB). */
    public SfStreamEndpointBuilder maxMessageSize(int maxMessageSize) {
        return text("maxMessageSize", maxMessageSize);
    }

    public SfStreamEndpointBuilder maxMessageSize(String maxMessageSize) {
        return text("maxMessageSize", maxMessageSize);
    }

    /** Longest delay between two reconnection attempts (default 30s). */
    public SfStreamEndpointBuilder maxReconnectDelay(Duration maxReconnectDelay) {
        return duration("maxReconnectDelay", maxReconnectDelay);
    }

    public SfStreamEndpointBuilder maxReconnectDelay(String maxReconnectDelay) {
        return text("maxReconnectDelay", maxReconnectDelay);
    }

    /** The Jackson ObjectMapper building bodies. */
    public SfStreamEndpointBuilder objectMapper(Object objectMapper) {
        return object("objectMapper", objectMapper);
    }

    /** The Jackson ObjectMapper bean building bodies, {@code #name}. */
    public SfStreamEndpointBuilder objectMapper(String objectMapper) {
        return text("objectMapper", objectMapper);
    }

    /** First delay before reconnecting after a transport error (default 1s). */
    public SfStreamEndpointBuilder timeToWaitBeforeConnectionRetry(Duration timeToWaitBeforeConnectionRetry) {
        return duration("timeToWaitBeforeConnectionRetry", timeToWaitBeforeConnectionRetry);
    }

    public SfStreamEndpointBuilder timeToWaitBeforeConnectionRetry(String timeToWaitBeforeConnectionRetry) {
        return text("timeToWaitBeforeConnectionRetry", timeToWaitBeforeConnectionRetry);
    }

    // ------------------------------------------------------------------ proxy

    /** Hosts reached without the proxy, separated by | or comma; * is a wildcard. */
    public SfStreamEndpointBuilder nonProxyHosts(String nonProxyHosts) {
        return text("nonProxyHosts", nonProxyHosts);
    }

    public SfStreamEndpointBuilder proxyHost(String proxyHost) {
        return text("proxyHost", proxyHost);
    }

    /** Password of the proxy's Basic authentication (secret). */
    public SfStreamEndpointBuilder proxyPassword(String proxyPassword) {
        return text("proxyPassword", proxyPassword);
    }

    public SfStreamEndpointBuilder proxyPort(int proxyPort) {
        return text("proxyPort", proxyPort);
    }

    public SfStreamEndpointBuilder proxyPort(String proxyPort) {
        return text("proxyPort", proxyPort);
    }

    /** User name of the proxy's Basic authentication (secret). */
    public SfStreamEndpointBuilder proxyUsername(String proxyUsername) {
        return text("proxyUsername", proxyUsername);
    }

    // ------------------------------------------------------------------ replay

    /** When the replay marker advances: ON_COMPLETION, ON_RECEIVE or MANUAL (default ON_COMPLETION). */
    public SfStreamEndpointBuilder replayCommit(ReplayCommit replayCommit) {
        return text("replayCommit", replayCommit);
    }

    public SfStreamEndpointBuilder replayCommit(String replayCommit) {
        return text("replayCommit", replayCommit);
    }

    /** How often the newest committed marker is written to the store (default 1s). */
    public SfStreamEndpointBuilder replayCommitInterval(Duration replayCommitInterval) {
        return duration("replayCommitInterval", replayCommitInterval);
    }

    public SfStreamEndpointBuilder replayCommitInterval(String replayCommitInterval) {
        return text("replayCommitInterval", replayCommitInterval);
    }

    /** When Salesforce rejects the stored replayId: NONE, ALL_EVENTS or NEW_EVENTS (default NONE). */
    public SfStreamEndpointBuilder replayFallback(ReplayFallback replayFallback) {
        return text("replayFallback", replayFallback);
    }

    public SfStreamEndpointBuilder replayFallback(String replayFallback) {
        return text("replayFallback", replayFallback);
    }

    /** The store of replay markers: a ReplayMarkerStore, a Camel StateRepository or a Map. */
    public SfStreamEndpointBuilder replayStore(Object replayStore) {
        return object("replayStore", replayStore);
    }

    /** The store of replay markers as text: a file path, {@code file:path} or a bean {@code #name}. */
    public SfStreamEndpointBuilder replayStore(String replayStore) {
        return text("replayStore", replayStore);
    }

    /** Key of the endpoint's replay marker (default the bare channel). */
    public SfStreamEndpointBuilder subscriptionName(String subscriptionName) {
        return text("subscriptionName", subscriptionName);
    }

    // ------------------------------------------------------------------ workers

    /** How this worker shares the subscription: OPEN_IF_FREE, WAIT_FOR_FREE or TAKE_OVER (default OPEN_IF_FREE). */
    public SfStreamEndpointBuilder strategy(WorkerStrategy strategy) {
        return text("strategy", strategy);
    }

    public SfStreamEndpointBuilder strategy(String strategy) {
        return text("strategy", strategy);
    }

    /** This worker's id in the lease (default {@code <host>-<pid>-<random>}). */
    public SfStreamEndpointBuilder workerId(String workerId) {
        return text("workerId", workerId);
    }

    /** How long a lease runs without renewal (default 30s). */
    public SfStreamEndpointBuilder leaseDuration(Duration leaseDuration) {
        return duration("leaseDuration", leaseDuration);
    }

    public SfStreamEndpointBuilder leaseDuration(String leaseDuration) {
        return text("leaseDuration", leaseDuration);
    }

    // ------------------------------------------------------------------ security

    /** A fixed access token, used with instanceUrl instead of logging in (secret). */
    public SfStreamEndpointBuilder accessToken(String accessToken) {
        return text("accessToken", accessToken);
    }

    public SfStreamEndpointBuilder authenticationType(AuthenticationType authenticationType) {
        return text("authenticationType", authenticationType);
    }

    public SfStreamEndpointBuilder authenticationType(String authenticationType) {
        return text("authenticationType", authenticationType);
    }

    /** Consumer key of the connected app (secret). */
    public SfStreamEndpointBuilder clientId(String clientId) {
        return text("clientId", clientId);
    }

    /** Consumer secret of the connected app (secret). */
    public SfStreamEndpointBuilder clientSecret(String clientSecret) {
        return text("clientSecret", clientSecret);
    }

    public SfStreamEndpointBuilder instanceUrl(String instanceUrl) {
        return text("instanceUrl", instanceUrl);
    }

    public SfStreamEndpointBuilder jwtAudience(String jwtAudience) {
        return text("jwtAudience", jwtAudience);
    }

    /** Password of the private key entry in keystore (secret). */
    public SfStreamEndpointBuilder keyPassword(String keyPassword) {
        return text("keyPassword", keyPassword);
    }

    public SfStreamEndpointBuilder keystore(KeyStoreParameters keystore) {
        return object("keystore", keystore);
    }

    /** A KeyStoreParameters bean, {@code #name}. */
    public SfStreamEndpointBuilder keystore(String keystore) {
        return text("keystore", keystore);
    }

    public SfStreamEndpointBuilder keystoreAlias(String keystoreAlias) {
        return text("keystoreAlias", keystoreAlias);
    }

    public SfStreamEndpointBuilder loginUrl(String loginUrl) {
        return text("loginUrl", loginUrl);
    }

    /** Password (+ security token) of the username-password flow (secret). */
    public SfStreamEndpointBuilder password(String password) {
        return text("password", password);
    }

    /** JWT bearer flow: PKCS#8 PEM private key text (secret). */
    public SfStreamEndpointBuilder privateKey(String privateKey) {
        return text("privateKey", privateKey);
    }

    /** JWT bearer flow: path of a PKCS#8 PEM private key file (secret). */
    public SfStreamEndpointBuilder privateKeyFile(String privateKeyFile) {
        return text("privateKeyFile", privateKeyFile);
    }

    /** Refresh token of the refresh-token flow (secret). */
    public SfStreamEndpointBuilder refreshToken(String refreshToken) {
        return text("refreshToken", refreshToken);
    }

    public SfStreamEndpointBuilder sandbox(boolean sandbox) {
        return text("sandbox", sandbox);
    }

    public SfStreamEndpointBuilder sandbox(String sandbox) {
        return text("sandbox", sandbox);
    }

    public SfStreamEndpointBuilder sslContextParameters(SSLContextParameters sslContextParameters) {
        return object("sslContextParameters", sslContextParameters);
    }

    /** An SSLContextParameters bean, {@code #name}. */
    public SfStreamEndpointBuilder sslContextParameters(String sslContextParameters) {
        return text("sslContextParameters", sslContextParameters);
    }

    public SfStreamEndpointBuilder tokenSupplier(TokenSupplier tokenSupplier) {
        return object("tokenSupplier", tokenSupplier);
    }

    /** A TokenSupplier bean, {@code #name}. */
    public SfStreamEndpointBuilder tokenSupplier(String tokenSupplier) {
        return text("tokenSupplier", tokenSupplier);
    }

    public SfStreamEndpointBuilder useGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        return text("useGlobalSslContextParameters", useGlobalSslContextParameters);
    }

    public SfStreamEndpointBuilder useGlobalSslContextParameters(String useGlobalSslContextParameters) {
        return text("useGlobalSslContextParameters", useGlobalSslContextParameters);
    }

    /** User name of the username-password and JWT bearer flows (secret). */
    public SfStreamEndpointBuilder username(String username) {
        return text("username", username);
    }

    // ------------------------------------------------------------------ EndpointConsumerBuilder

    private SfStreamEndpointBuilder text(String name, Object value) {
        objectOptions.remove(name);
        if (value == null) {
            uriOptions.remove(name);
        } else {
            uriOptions.put(name, value instanceof Enum<?> e ? e.name() : value.toString());
        }
        return this;
    }

    private SfStreamEndpointBuilder duration(String name, Duration value) {
        return text(name, value == null ? null : value.toMillis() + "ms");
    }

    private SfStreamEndpointBuilder object(String name, Object value) {
        uriOptions.remove(name);
        if (value == null) {
            objectOptions.remove(name);
        } else {
            objectOptions.put(name, value);
        }
        return this;
    }

    @Override
    public void doSetProperty(String name, Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Class<?>) {
            text(name, value instanceof Class<?> c ? c.getName() : value);
        } else if (value instanceof Duration d) {
            duration(name, d);
        } else {
            object(name, value);
        }
    }

    @Override
    public void doSetMultiValueProperty(String name, String key, Object value) {
        doSetProperty(key, value);
    }

    @Override
    public void doSetMultiValueProperties(String name, String prefix, Map<String, Object> values) {
        values.forEach((key, value) -> doSetProperty(prefix + key, value));
    }

    /** The endpoint URI with the options that have a text form (object-valued options are not part of it). */
    @Override
    public String getRawUri() {
        String uri = "sfstream:" + channel;
        if (uriOptions.isEmpty()) {
            return uri;
        }
        try {
            return uri + "?" + URISupport.createQueryString(uriOptions, true);
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot build the URI of sfstream:" + channel, e);
        }
    }

    @Override
    public Endpoint resolve(CamelContext context) throws NoSuchEndpointException {
        String uri = getRawUri();
        Endpoint endpoint = objectOptions.isEmpty()
                ? context.getEndpoint(uri)
                : context.getEndpoint(uri, new LinkedHashMap<>(objectOptions));
        if (endpoint == null) {
            throw new NoSuchEndpointException(uri);
        }
        return endpoint;
    }

    @Override
    public <T extends Endpoint> T resolve(CamelContext context, Class<T> endpointType) throws NoSuchEndpointException {
        return endpointType.cast(resolve(context));
    }

    @Override
    public Expression expr(CamelContext context) {
        return context.resolveLanguage("simple").createExpression(getRawUri());
    }

    @Override
    public String toString() {
        return URISupport.sanitizeUri(getRawUri());
    }
}
