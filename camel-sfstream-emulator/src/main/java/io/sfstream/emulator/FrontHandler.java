package io.sfstream.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything in front of CometD: the OAuth token endpoint, the minimal REST answers, the admin API, and for Bayeux
 * requests the fault injection, the request size limit and the missing-token check.
 */
final class FrontHandler extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(FrontHandler.class);
    static final int MAX_BAYEUX_BODY = 32_768;
    static final String MAINTENANCE_HTML = "<!DOCTYPE html><html><head><title>Down For Maintenance</title></head>"
        + "<body><h1>Salesforce is down for maintenance</h1><p>The emulator injected this page.</p></body></html>";

    private final SalesforceEmulator emulator;
    private final ObjectMapper mapper;

    FrontHandler(SalesforceEmulator emulator, ObjectMapper mapper, Handler cometd) {
        super(cometd);
        this.emulator = emulator;
        this.mapper = mapper;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        try {
            if (path.startsWith("/cometd/")) {
                return bayeux(request, response, callback);
            }
            if (path.equals("/services/oauth2/token")) {
                return token(request, response, callback);
            }
            if (path.equals("/services/oauth2/revoke")) {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                Map<String, String> form = parseForm(body);
                Fields query = Request.extractQueryParameters(request);
                String token = form.getOrDefault("token", query.getValue("token"));
                emulator.revokeToken(token);
                return send(response, callback, 200, "application/json", "{}");
            }
            if (path.startsWith("/services/data")) {
                return rest(request, response, callback, path);
            }
            if (path.startsWith("/admin/")) {
                return admin(request, response, callback, path);
            }
            if (path.startsWith("/id/")) {
                Map<String, Object> id = new LinkedHashMap<>();
                id.put("organization_id", emulator.tokens().orgId());
                id.put("user_id", emulator.tokens().userId());
                id.put("username", SalesforceEmulator.USERNAME);
                return json(response, callback, 200, id);
            }
            return send(response, callback, 404, "application/json",
                "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
        } catch (IllegalArgumentException e) {
            return json(response, callback, 400, oauthError("bad_request", e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ Bayeux

    private boolean bayeux(Request request, Response response, Callback callback) throws Exception {
        Faults faults = emulator.faults();
        long stall = faults.takeStall();
        if (stall > 0) {
            LOG.info("Stalling {} for {} ms (fault injection)", Request.getPathInContext(request), stall);
            Thread.sleep(stall);
        }
        int status = faults.takeRequestFailure();
        if (status > 0) {
            return send(response, callback, status, "text/plain", "Injected failure " + status);
        }
        int html = faults.takeHtmlFailure();
        if (html > 0) {
            return send(response, callback, html, "text/html;charset=utf-8", MAINTENANCE_HTML);
        }
        if (HttpMethod.OPTIONS.is(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        long length = request.getLength();
        if (length > MAX_BAYEUX_BODY) {
            if (length <= 16L * MAX_BAYEUX_BODY) {
                // read the rest of a moderately large body first: answering while the client is still sending lets
                // Jetty close the connection under it, and the client sees a reset instead of the 413
                Content.Source.consumeAll(request);
            }
            return send(response, callback, 413, "text/plain", "Request Entity Too Large");
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (SalesforceBayeux.bearer(authorization) == null) {
            return send(response, callback, 401, "application/json",
                "[{\"error\":\"401::Request requires authentication\",\"successful\":false}]");
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        // read the (small) body: enforce the size limit on chunked bodies too, and accept a single message object
        // as well as an array by handing CometD an array
        java.nio.ByteBuffer read = Content.Source.asByteBuffer(request);
        byte[] body = new byte[read.remaining()];
        read.get(body);
        if (body.length > MAX_BAYEUX_BODY) {
            return send(response, callback, 413, "text/plain", "Request Entity Too Large");
        }
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first < body.length && body[first] == '{') {
            byte[] wrapped = new byte[body.length + 2];
            wrapped[0] = '[';
            System.arraycopy(body, 0, wrapped, 1, body.length);
            wrapped[wrapped.length - 1] = ']';
            body = wrapped;
        }
        // every Bayeux response can be cut: a connect held since before the fault was armed too
        return super.handle(new BufferedRequest(request, body), new CuttingResponse(request, response, faults), callback);
    }

    /**
     * Closes the connection instead of writing a response that carries events, when {@link Faults#cutNextEventResponses}
     * asks for it. By then CometD has taken the events off the session's queue, so they are lost on the server's side.
     */
    private static final class CuttingResponse extends Response.Wrapper {
        private final Faults faults;
        private boolean cut;

        CuttingResponse(Request request, Response response, Faults faults) {
            super(request, response);
            this.faults = faults;
        }

        @Override
        public void write(boolean last, java.nio.ByteBuffer content, Callback callback) {
            if (!cut && content != null && faults.armedToCutEventResponse() && carriesEvents(content)
                && faults.takeEventResponseCut()) {
                cut = true;
            }
            if (cut) {
                LOG.info("Cutting off a response that carries events (fault injection)");
                getRequest().getConnectionMetaData().getConnection().getEndPoint().close();
                callback.failed(new java.io.IOException("Response cut off by the emulator (fault injection)"));
                return;
            }
            super.write(last, content, callback);
        }

        private static boolean carriesEvents(java.nio.ByteBuffer content) {
            return StandardCharsets.UTF_8.decode(content.slice()).toString().contains("\"replayId\"");
        }
    }

    /** The request with its body already read into memory. */
    private static final class BufferedRequest extends Request.Wrapper {
        private final org.eclipse.jetty.io.content.ByteBufferContentSource content;
        private final org.eclipse.jetty.http.HttpFields headers;
        private final long length;

        BufferedRequest(Request request, byte[] body) {
            super(request);
            this.content = new org.eclipse.jetty.io.content.ByteBufferContentSource(java.nio.ByteBuffer.wrap(body));
            this.length = body.length;
            org.eclipse.jetty.http.HttpFields.Mutable h = org.eclipse.jetty.http.HttpFields.build(request.getHeaders());
            h.remove(HttpHeader.TRANSFER_ENCODING);
            h.put(HttpHeader.CONTENT_LENGTH, Long.toString(length));
            if (h.get(HttpHeader.CONTENT_TYPE) == null) {
                h.put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
            }
            this.headers = h.asImmutable();
        }

        @Override
        public org.eclipse.jetty.http.HttpFields getHeaders() {
            return headers;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public Content.Chunk read() {
            return content.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            content.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            content.fail(failure);
        }
    }

    // ------------------------------------------------------------------ OAuth

    private boolean token(Request request, Response response, Callback callback) throws Exception {
        int fault = emulator.faults().takeLoginFailure();
        if (fault > 0) {
            return send(response, callback, fault, "text/plain", "Injected login failure " + fault);
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            return json(response, callback, 400, oauthError("invalid_request", "must use HTTP POST"));
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        Map<String, String> form = parseForm(body);
        Fields query = Request.extractQueryParameters(request);
        for (Fields.Field f : query) {
            form.putIfAbsent(f.getName(), f.getValue());
        }
        String grantType = form.get("grant_type");
        if (grantType == null || !List.of("password", "refresh_token", "client_credentials", TokenService.JWT_GRANT)
            .contains(grantType)) {
            return json(response, callback, 400, oauthError("unsupported_grant_type", "grant type not supported"));
        }
        Map<String, Object> granted = emulator.tokens().grant(form, emulator.baseUrl());
        if (granted == null) {
            return json(response, callback, 400, oauthError("invalid_grant", "authentication failure"));
        }
        emulator.loginSucceeded();
        return json(response, callback, 200, granted);
    }

    // ------------------------------------------------------------------ REST (minimal)

    private boolean rest(Request request, Response response, Callback callback, String path) throws Exception {
        String token = SalesforceBayeux.bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (!emulator.tokens().isValid(token)) {
            return send(response, callback, 401, "application/json",
                "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
        }
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/services/data")) {
            List<Map<String, String>> versions = new java.util.ArrayList<>();
            for (int v = 37; v <= 65; v++) {
                versions.add(Map.of("label", "Emulated", "url", "/services/data/v" + v + ".0", "version", v + ".0"));
            }
            return json(response, callback, 200, versions);
        }
        if (p.matches("/services/data/v\\d+\\.\\d+")) {
            String base = p;
            return json(response, callback, 200, Map.of("sobjects", base + "/sobjects", "query", base + "/query",
                "limits", base + "/limits"));
        }
        if (p.matches("/services/data/v\\d+\\.\\d+/query")) {
            // PushTopic look-ups: answer "found, nothing to change" so clients do not try to create topics
            String q = Request.extractQueryParameters(request).getValue("q");
            LOG.debug("REST query {}", q);
            return json(response, callback, 200, Map.of("totalSize", 0, "done", true, "records", List.of()));
        }
        return send(response, callback, 404, "application/json",
            "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
    }

    // ------------------------------------------------------------------ admin API

    private boolean admin(Request request, Response response, Callback callback, String path) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        String op = path.substring("/admin/".length());
        switch (op) {
            case "counters" -> {
                return json(response, callback, 200, emulator.counters());
            }
            case "stats" -> {
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("bayeux", emulator.counters());
                stats.put("pubsub", emulator.pubSubStats());
                return json(response, callback, 200, stats);
            }
            case "eventTypes" -> {
                String channel = require(q, "channel");
                if (HttpMethod.POST.is(request.getMethod())) {
                    @SuppressWarnings("unchecked")
                    Map<String, String> fields = body == null || body.isBlank() ? Map.of()
                        : mapper.readValue(body, Map.class);
                    emulator.defineEventType(channel, fields);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("channel", channel);
                out.put("schemaId", emulator.schemaId(channel));
                out.put("fields", emulator.eventTypeFields(channel));
                return json(response, callback, 200, out);
            }
            case "managedSubscriptions" -> {
                String id = emulator.createManagedSubscription(require(q, "name"), require(q, "topic"),
                    q.getValue("defaultReplay") == null ? "LATEST" : q.getValue("defaultReplay"),
                    q.getValue("errorRecoveryReplay") == null ? "LATEST" : q.getValue("errorRecoveryReplay"));
                return json(response, callback, 200, Map.of("name", require(q, "name"), "subscriptionId", id));
            }
            case "pubsub/stop" -> {
                emulator.stopPubSub();
                return ok(response, callback);
            }
            case "pubsub/start" -> {
                emulator.startPubSub();
                return ok(response, callback);
            }
            case "pubsub/resetStreams" -> {
                emulator.resetPubSubStreams();
                return ok(response, callback);
            }
            case "faults/failNextPubSubCalls" -> {
                String status = q.getValue("status") == null ? "UNAVAILABLE" : q.getValue("status");
                String errorCode = q.getValue("errorCode");
                emulator.faults().failNextPubSubCalls(intParam(q, "count", 1), io.grpc.Status.Code.valueOf(status),
                    errorCode == null || errorCode.isBlank() ? null : errorCode);
                return ok(response, callback);
            }
            case "faults/pubSubStreamLimit" -> {
                emulator.faults().limitPubSubStreams(intParam(q, "limit", 0));
                return ok(response, callback);
            }
            case "faults/stallPubSub" -> {
                emulator.faults().stallPubSubResponses(intParam(q, "count", 1),
                    Duration.ofMillis(intParam(q, "millis", 1000)));
                return ok(response, callback);
            }
            case "faults/corruptPubSubPayloads" -> {
                emulator.faults().corruptNextPubSubPayloads(intParam(q, "count", 1));
                return ok(response, callback);
            }
            case "faults/omitPubSubReplayIds" -> {
                emulator.faults().omitReplayIdInNextPubSubEvents(intParam(q, "count", 1));
                return ok(response, callback);
            }
            case "publish" -> {
                String channel = require(q, "channel");
                if (body != null && !body.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = mapper.readValue(body, Map.class);
                    long id = emulator.publish(channel, fields);
                    return json(response, callback, 200, Map.of("channel", channel, "count", 1,
                        "replayIds", List.of(id)));
                }
                int count = Integer.parseInt(q.getValue("count") == null ? "1" : q.getValue("count"));
                int size = Integer.parseInt(q.getValue("payloadBytes") == null ? "0" : q.getValue("payloadBytes"));
                List<Long> ids = emulator.publish(channel, count, size);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("channel", channel);
                out.put("count", ids.size());
                out.put("firstReplayId", ids.isEmpty() ? null : ids.get(0));
                out.put("lastReplayId", ids.isEmpty() ? null : ids.get(ids.size() - 1));
                if (ids.size() <= 1000) {
                    out.put("replayIds", ids);
                }
                return json(response, callback, 200, out);
            }
            case "channels" -> {
                emulator.createChannel(require(q, "channel"));
                return ok(response, callback);
            }
            case "replayIds" -> {
                return json(response, callback, 200, emulator.replayIds(require(q, "channel")));
            }
            case "expireTokens" -> {
                emulator.expireTokens();
                return ok(response, callback);
            }
            case "dropSessions" -> {
                emulator.dropAllSessions();
                return ok(response, callback);
            }
            case "disconnect" -> {
                emulator.sendServerDisconnect();
                return ok(response, callback);
            }
            case "restart" -> {
                // after this answer is written: the restart closes the connection it travels on
                return send(response, Callback.from(callback, () -> restartSoon()), 200, "application/json",
                    "{\"ok\":true}");
            }
            case "outage" -> {
                int millis = intParam(q, "millis", 5000);
                return send(response, Callback.from(callback, () -> outageSoon(Duration.ofMillis(millis))), 200,
                    "application/json", "{\"ok\":true}");
            }
            case "faults/failNextRequests" -> {
                emulator.faults().failNextRequests(intParam(q, "count", 1), intParam(q, "status", 500));
                return ok(response, callback);
            }
            case "faults/htmlNextRequests" -> {
                emulator.faults().htmlNextRequests(intParam(q, "count", 1), intParam(q, "status", 503));
                return ok(response, callback);
            }
            case "faults/stall" -> {
                emulator.faults().stallNextRequests(intParam(q, "count", 1), Duration.ofMillis(intParam(q, "millis", 1000)));
                return ok(response, callback);
            }
            case "faults/failNextSubscribes" -> {
                String reason = q.getValue("reason");
                emulator.faults().failNextSubscribes(intParam(q, "count", 1),
                    reason == null ? "503::Server is too busy" : reason);
                return ok(response, callback);
            }
            case "faults/failNextLogins" -> {
                emulator.faults().failNextLogins(intParam(q, "count", 1), intParam(q, "status", 500));
                return ok(response, callback);
            }
            case "faults/cutNextEventResponses" -> {
                emulator.faults().cutNextEventResponses(intParam(q, "count", 1));
                return ok(response, callback);
            }
            case "faults/reset" -> {
                emulator.faults().reset();
                return ok(response, callback);
            }
            default -> {
                return json(response, callback, 404, Map.of("error", "unknown admin operation " + op));
            }
        }
    }

    private void restartSoon() {
        Thread restart = new Thread(emulator::restart, "sf-emulator-admin-restart");
        restart.setDaemon(true);
        restart.start();
    }

    /** Closes the port for {@code length}, then listens again; sessions are kept. */
    private void outageSoon(Duration length) {
        Thread outage = new Thread(() -> {
            emulator.beginOutage();
            try {
                // the outage's length, asked for by the caller: a duration, not a wait for a condition
                Thread.sleep(length.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                emulator.endOutage();
            }
        }, "sf-emulator-admin-outage");
        outage.setDaemon(true);
        outage.start();
    }

    private static String require(Fields q, String name) {
        String v = q.getValue(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter " + name);
        }
        return v;
    }

    private static int intParam(Fields q, String name, int dflt) {
        String v = q.getValue(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    // ------------------------------------------------------------------ helpers

    /** Salesforce's OAuth error body, keys in Salesforce's order. */
    static Map<String, String> oauthError(String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return form;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return form;
    }

    private boolean ok(Response response, Callback callback) throws Exception {
        return send(response, callback, 200, "application/json", "{\"ok\":true}");
    }

    private boolean json(Response response, Callback callback, int status, Object body) throws Exception {
        return send(response, callback, status, "application/json;charset=utf-8", mapper.writeValueAsString(body));
    }

    private static boolean send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        Content.Sink.write(response, true, body, callback);
        return true;
    }
}
