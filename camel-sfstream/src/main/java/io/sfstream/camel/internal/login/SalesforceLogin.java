package io.sfstream.camel.internal.login;

import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SalesforceToken;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.TokenSupplier;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.net.ssl.SSLSession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;

/**
 * Obtains access tokens from {@code {loginUrl}/services/oauth2/token}. Error messages name the flow, the status and
 * Salesforce's {@code error_description}, never a credential or a token.
 */
public final class SalesforceLogin {

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI tokenUrl;
    private final LoginFlow flow;
    private final Map<String, String> form;
    private final JwtBearer jwt;
    private final TokenSupplier tokenSupplier;
    private final AccessToken fixedToken;
    private final Duration requestTimeout;
    private final int maxMessageSize;

    SalesforceLogin(HttpClient http, ObjectMapper json, SfStreamConfiguration config) {
        this(http, json, config, null);
    }

    public SalesforceLogin(HttpClient http, ObjectMapper json, SfStreamConfiguration config, CamelContext camelContext) {
        this.http = http;
        this.json = json;
        this.flow = LoginFlow.of(config);
        this.tokenUrl = URI.create(config.effectiveLoginUrl() + "/services/oauth2/token");
        this.form = formOf(flow, config);
        this.jwt = flow == LoginFlow.JWT_BEARER ? JwtBearer.of(config, camelContext, json) : null;
        this.tokenSupplier = flow == LoginFlow.TOKEN_SUPPLIER ? config.getTokenSupplier() : null;
        this.fixedToken = flow == LoginFlow.ACCESS_TOKEN ? fixedToken(config) : null;
        this.requestTimeout = config.getHttpRequestTimeout() != null && config.getHttpRequestTimeout().toMillis() > 0
                ? config.getHttpRequestTimeout() : Duration.ofSeconds(30);
        this.maxMessageSize = config.getMaxMessageSize();
    }

    private static AccessToken fixedToken(SfStreamConfiguration config) {
        return new AccessToken(config.getAccessToken(), instanceUri(config.getInstanceUrl(), "instanceUrl"));
    }

    private static URI instanceUri(String instanceUrl, String what) {
        String url = instanceUrl.strip();
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + what + ": not a URL");
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException("Invalid " + what + ": expected an https:// URL");
        }
        return uri;
    }

    /**
     * Checks the authentication options at endpoint creation, so that a route fails at startup: the flow's options,
     * the JWT key (loaded once here) and the fixed token's instanceUrl. Messages name options, never values.
     */
    public static LoginFlow validate(SfStreamConfiguration config, CamelContext camelContext) {
        LoginFlow flow = LoginFlow.of(config);
        if (flow == LoginFlow.JWT_BEARER) {
            JwtBearer.privateKeyOf(config, camelContext);
        }
        if (flow == LoginFlow.ACCESS_TOKEN) {
            fixedToken(config);
        }
        if (config.getHttpRequestTimeout() == null || config.getHttpRequestTimeout().toMillis() <= 0) {
            throw new IllegalArgumentException("Invalid httpRequestTimeout: it must be a positive duration");
        }
        if (config.getMaxMessageSize() < SfStreamConfiguration.MIN_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("Invalid maxMessageSize " + config.getMaxMessageSize() + ": it must be at least "
                                               + SfStreamConfiguration.MIN_MAX_MESSAGE_SIZE
                                               + " bytes (10 MB, the size of Salesforce's largest responses)");
        }
        HttpClients.validate(config, camelContext);
        return flow;
    }

    public LoginFlow flow() {
        return flow;
    }

    URI tokenUrl() {
        return tokenUrl;
    }

    /** Logs in, blocking the calling thread for at most the login timeout. */
    public AccessToken login() {
        if (fixedToken != null) {
            return fixedToken;
        }
        if (tokenSupplier != null) {
            return supplied();
        }
        Map<String, String> fields = form;
        if (jwt != null) {
            fields = new LinkedHashMap<>(form);
            fields.put("assertion", jwt.assertion());
        }
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
                .build();
        HttpResponse<String> response;
        try {
            HttpResponse<byte[]> raw = http.send(request, BoundedBody.handler(maxMessageSize));
            response = new StringResponse(raw);
        } catch (IOException e) {
            BoundedBody.TooLarge tooLarge = BoundedBody.tooLarge(e);
            if (tooLarge != null) {
                throw failure("the answer of " + tokenUrl + " exceeds maxMessageSize (" + tooLarge.limit + " bytes)", 0,
                        null, null);
            }
            throw failure("could not reach " + tokenUrl + ": " + describe(e), 0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted", 0, null, e);
        }
        JsonNode body = parseJson(response.body());
        int status = response.statusCode();
        if (status != 200) {
            if (body != null && body.hasNonNull("error")) {
                String error = body.path("error").asText();
                String description = body.path("error_description").asText("");
                throw failure(error + (description.isEmpty() ? "" : ": " + description) + " (HTTP " + status + " from "
                              + tokenUrl + ")", status, error, null);
            }
            throw failure("HTTP " + status + " from " + tokenUrl + " with " + describeBody(response), status, null, null);
        }
        if (body == null) {
            throw failure("HTTP 200 from " + tokenUrl + " with " + describeBody(response) + " instead of a token", status,
                    null, null);
        }
        String token = body.path("access_token").asText("");
        String instanceUrl = body.path("instance_url").asText("");
        if (token.isEmpty() || instanceUrl.isEmpty()) {
            throw failure("the token response from " + tokenUrl + " lacks access_token or instance_url", status, null, null);
        }
        try {
            return new AccessToken(token, URI.create(instanceUrl.endsWith("/")
                    ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl),
                    AccessToken.orgIdOf(body.path("id").asText(null)));
        } catch (IllegalArgumentException e) {
            throw failure("the token response from " + tokenUrl + " has an invalid instance_url", status, null, e);
        }
    }

    private AccessToken supplied() {
        SalesforceToken supplied;
        try {
            supplied = tokenSupplier.getToken();
        } catch (Exception e) {
            // the supplier's message is its own: it must not contain a credential (documented on TokenSupplier)
            throw failure("the tokenSupplier failed: " + describe(e), 0, null, e);
        }
        if (supplied == null || supplied.accessToken().isBlank()) {
            throw failure("the tokenSupplier returned no token", 0, null, null);
        }
        try {
            return new AccessToken(supplied.accessToken(), instanceUri(supplied.instanceUrl().toString(),
                    "instanceUrl from the tokenSupplier"));
        } catch (IllegalArgumentException e) {
            throw failure(e.getMessage(), 0, null, null);
        }
    }

    /** A byte[] response seen as a String one, for the error descriptions. */
    private record StringResponse(HttpResponse<byte[]> raw) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return raw.statusCode();
        }

        @Override
        public HttpRequest request() {
            return raw.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return raw.headers();
        }

        @Override
        public String body() {
            return raw.body() == null ? "" : new String(raw.body(), StandardCharsets.UTF_8);
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return raw.sslSession();
        }

        @Override
        public URI uri() {
            return raw.uri();
        }

        @Override
        public HttpClient.Version version() {
            return raw.version();
        }
    }

    private SalesforceLoginException failure(String what, int status, String error, Throwable cause) {
        return new SalesforceLoginException(
                "Salesforce login with the " + flow.displayName() + " flow failed: " + what, status, error, cause);
    }

    private JsonNode parseJson(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String describeBody(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("no content type");
        String body = response.body() == null ? "" : response.body();
        return "a non-JSON body (" + type + ", " + body.length() + " chars)";
    }

    public static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static Map<String, String> formOf(LoginFlow flow, SfStreamConfiguration config) {
        Map<String, String> form = new LinkedHashMap<>();
        switch (flow) {
            case REFRESH_TOKEN -> {
                form.put("grant_type", "refresh_token");
                form.put("refresh_token", config.getRefreshToken());
                form.put("client_id", config.getClientId());
                if (config.getClientSecret() != null && !config.getClientSecret().isBlank()) {
                    form.put("client_secret", config.getClientSecret());
                }
            }
            case PASSWORD -> {
                form.put("grant_type", "password");
                form.put("client_id", config.getClientId());
                form.put("client_secret", config.getClientSecret());
                form.put("username", config.getUsername());
                form.put("password", config.getPassword());
            }
            case CLIENT_CREDENTIALS -> {
                form.put("grant_type", "client_credentials");
                form.put("client_id", config.getClientId());
                form.put("client_secret", config.getClientSecret());
            }
            case JWT_BEARER -> form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            case ACCESS_TOKEN, TOKEN_SUPPLIER -> {
                // no token request
            }
            default -> throw new IllegalStateException("unknown flow " + flow);
        }
        return Collections.unmodifiableMap(form);
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    @Override
    public String toString() {
        return "SalesforceLogin[" + flow.displayName() + " at " + tokenUrl + "]";
    }
}
