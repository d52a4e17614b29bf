package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.BayeuxTransportException;
import io.sfstream.camel.internal.login.BoundedBody;
import io.sfstream.camel.internal.login.SalesforceLogin;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Posts Bayeux message arrays to the streaming endpoint and parses the JSON arrays it answers. One transport, with
 * its own cookie jar, per Bayeux session: Salesforce ties a session to its {@code BAYEUX_BROWSER} cookie.
 */
final class BayeuxTransport implements BayeuxRequests {

    private final HttpClient http;
    private final CookieManager cookies;
    private final ObjectMapper json;
    private final BayeuxResponseReader reader;
    private final int maxMessageSize;
    private final Duration requestTimeout;
    /** Runs the blocking sends (a long poll holds its thread); must not be bounded below two threads. */
    private final Executor requests;

    /**
     * @param maxMessageSize the largest response body read; a larger one fails naming the maxMessageSize option
     * @param requestTimeout the timeout of requests other than /meta/connect (whose long poll follows the advice) and
     *                       /meta/disconnect (a short courtesy wait); null keeps the caller's timeouts
     * @param requests the threads that send requests and wait for their answers; the component passes a cached pool
     *                 from Camel's ExecutorServiceManager, owned by the session
     */
    BayeuxTransport(HttpClient.Builder httpBuilder, ObjectMapper json, int maxMessageSize, Duration requestTimeout,
                    Executor requests) {
        this.requests = requests;
        this.cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        this.http = httpBuilder.cookieHandler(cookies).build();
        this.json = json;
        this.reader = new BayeuxResponseReader(json);
        this.maxMessageSize = maxMessageSize;
        this.requestTimeout = requestTimeout;
    }

    /** The timeout of one request: httpRequestTimeout unless the batch holds a /meta/connect or /meta/disconnect. */
    Duration timeoutOf(ArrayNode messages, Duration timeout) {
        if (requestTimeout == null) {
            return timeout;
        }
        for (JsonNode message : messages) {
            String channel = message.path("channel").asText("");
            if ("/meta/connect".equals(channel) || "/meta/disconnect".equals(channel)) {
                return timeout;
            }
        }
        return requestTimeout;
    }

    HttpClient http() {
        return http;
    }

    /** A new handshake starts a new session: cookies of the old one must not leak into it. */
    @Override
    public void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    /**
     * Sends messages and completes with the replies and events of the answer, each in order, or exceptionally with a
     * {@link BayeuxTransportException}.
     */
    @Override
    public CompletableFuture<BayeuxResponse> send(URI url, String accessToken, ArrayNode messages, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url)
                    .timeout(timeoutOf(messages, timeout))
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + accessToken)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(messages)))
                    .build();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new BayeuxTransportException("Cannot encode Bayeux request", 0, e));
        }
        // a blocking send on a thread of our own: HttpClient.sendAsync hands every answer to the JDK's default async
        // pool, which on a machine with fewer than three cores is a new thread per task, so per response
        return CompletableFuture.supplyAsync(() -> exchange(url, request), requests);
    }

    private BayeuxResponse exchange(URI url, HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, BoundedBody.handler(maxMessageSize));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BayeuxTransportException("Bayeux request to " + url + " interrupted (the session is closing)", 0, e);
        } catch (IOException | RuntimeException e) {
            BoundedBody.TooLarge tooLarge = BoundedBody.tooLarge(e);
            if (tooLarge != null) {
                throw new BayeuxTransportException("Bayeux endpoint " + url + " answered with a body larger"
                                                   + " than maxMessageSize (" + tooLarge.limit + " bytes)", 0, null);
            }
            throw new BayeuxTransportException("Bayeux request to " + url + " failed: " + SalesforceLogin.describe(e), 0,
                    e);
        }
        return decode(url, response);
    }

    BayeuxResponse decode(URI url, HttpResponse<byte[]> response) {
        return decode(url, response.statusCode(), response.headers().firstValue("Content-Type").orElse("no content type"),
                response.body());
    }

    /** Package-private for the hostile-input tests: never throws anything but BayeuxTransportException. */
    BayeuxResponse decode(URI url, int status, String contentType, byte[] bytes) {
        BayeuxResponse response = null;
        String notBayeux = null;
        String parseError = null;
        try {
            response = bytes == null || bytes.length == 0 ? null : reader.read(bytes);
        } catch (StreamConstraintsException e) {
            throw new BayeuxTransportException("Bayeux endpoint " + url + " answered HTTP " + status
                                               + " with JSON beyond Jackson's limits: " + e.getOriginalMessage(),
                    status, null);
        } catch (BayeuxResponseReader.NotBayeuxException e) {
            notBayeux = "non-Bayeux " + e.nodeType();
        } catch (IOException | RuntimeException e) {
            // not JSON: reported below with the status and content type
            parseError = e.getClass().getSimpleName();
        }
        if (response == null) {
            throw new BayeuxTransportException("Bayeux endpoint " + url + " answered HTTP " + status + " with a "
                                               + (notBayeux == null ? "non-JSON" : notBayeux)
                                               + " body (" + contentType + ", " + (bytes == null ? 0 : bytes.length)
                                               + " bytes" + (parseError == null ? "" : ", " + parseError) + ")",
                    status, null);
        }
        if (status != 200 && response.replies().stream().noneMatch(m -> m.has("error") || m.has("successful"))) {
            throw new BayeuxTransportException("Bayeux endpoint " + url + " answered HTTP " + status, status, null);
        }
        return response;
    }
}
