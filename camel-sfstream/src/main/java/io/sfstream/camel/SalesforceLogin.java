package io.sfstream.camel;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Obtains access tokens from {@code {loginUrl}/services/oauth2/token}. Error messages name the flow, the status and
 * Salesforce's {@code error_description}, never a credential or a token.
 */
final class SalesforceLogin {

    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI tokenUrl;
    private final LoginFlow flow;
    private final Map<String, String> form;

    SalesforceLogin(HttpClient http, ObjectMapper json, SfStreamConfiguration config) {
        this.http = http;
        this.json = json;
        this.flow = LoginFlow.of(config);
        this.tokenUrl = URI.create(config.effectiveLoginUrl() + "/services/oauth2/token");
        this.form = formOf(flow, config);
    }

    LoginFlow flow() {
        return flow;
    }

    URI tokenUrl() {
        return tokenUrl;
    }

    /** Logs in, blocking the calling thread for at most the login timeout. */
    AccessToken login() {
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(LOGIN_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
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
                    ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl));
        } catch (IllegalArgumentException e) {
            throw failure("the token response from " + tokenUrl + " has an invalid instance_url", status, null, e);
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

    static String describe(Throwable e) {
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
            default -> throw new IllegalStateException("unknown flow " + flow);
        }
        return Map.copyOf(form);
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
