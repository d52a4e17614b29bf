package io.sfstream.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.cometd.bayeux.server.BayeuxServer;
import org.cometd.bayeux.server.SecurityPolicy;
import org.cometd.bayeux.server.ServerChannel;
import org.cometd.bayeux.server.ServerMessage;
import org.cometd.bayeux.server.ServerSession;
import org.cometd.server.BayeuxServerImpl;
import org.cometd.server.JacksonJSONContextServer;
import org.cometd.server.http.jakarta.CometDServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator of Salesforce's streaming endpoint (OAuth token endpoint + CometD/Bayeux with the replay extension)
 * running the real CometD server inside an embedded Jetty bound to 127.0.0.1.
 *
 * <pre>{@code
 * try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start()) {
 *     sf.publish("/topic/Orders", 10, 200);
 *     // login at sf.baseUrl() + "/services/oauth2/token", Bayeux at sf.cometdUrl("62.0")
 * }
 * }</pre>
 *
 * <p>PushTopic filter queries ({@code /topic/X?Name='a'}) are accepted but not applied: the subscriber receives
 * every event of {@code /topic/X}.</p>
 */
public final class SalesforceEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceEmulator.class);

    public static final String CLIENT_ID = "sfstream-client-id";
    public static final String CLIENT_SECRET = "sfstream-client-secret";
    public static final String USERNAME = "integration@example.com";
    public static final String PASSWORD = "emulator-password";
    public static final String REFRESH_TOKEN = "emulator-refresh-token";

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Builder config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Faults faults = new Faults();
    private final TokenService tokens;
    private final EventFactory events;
    private final Map<String, EventLog> logs = new ConcurrentHashMap<>();
    private final Set<String> createdChannels = ConcurrentHashMap.newKeySet();
    private final AtomicLong logins = new AtomicLong();
    private final int instance;
    private final EventJournal journal;
    private final EventTypes eventTypes = new EventTypes();
    private TlsCertificate tlsCertificate;
    private PubSubService pubSubService;
    private PubSubServer pubSub;
    private java.util.concurrent.ScheduledExecutorService pubSubExecutor;
    /** Kept across restarts of the HTTP server, which lose every Bayeux session but not the counts. */
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong eventsDelivered = new AtomicLong();
    private ExecutorService pumpExecutor;
    private SalesforceBayeux salesforce;
    private Server server;
    /** How long an HTTP connection may stay idle beyond a held connect before the emulator closes it. */
    private static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(120);

    private ServerConnector connector;
    private volatile int port;

    private SalesforceEmulator(Builder config) {
        this.config = config;
        String orgId = EventFactory.randomId("00D", 18);
        String userId = EventFactory.randomId("005", 18);
        this.tokens = new TokenService(mapper, orgId, userId, config.jwtPublicKey);
        tokens.onInvalidated(this::tokensInvalidated);
        this.events = new EventFactory(mapper, userId);
        this.instance = INSTANCES.incrementAndGet();
        this.journal = config.dataDirectory == null ? null : new EventJournal(config.dataDirectory);
        if (journal != null) {
            createdChannels.addAll(journal.load(this::log));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 on the builder's port (0 = a free one) and starts serving. */
    public synchronized SalesforceEmulator start() {
        if (server != null) {
            return this;
        }
        try {
            pumpExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "sf-emulator-" + instance + "-pump");
                t.setDaemon(true);
                return t;
            });
            salesforce = new SalesforceBayeux(this, pumpExecutor, config.maxEventsPerResponse, handshakes, eventsDelivered);
            BayeuxServerImpl bayeux = newBayeuxServer();
            salesforce.attach(bayeux);

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("sf-emulator-" + instance);
            threads.setDaemon(true);
            Server s = new Server(threads);
            ServerConnector connector = new ServerConnector(s);
            connector.setHost("127.0.0.1");
            connector.setPort(port != 0 ? port : config.port);
            // Salesforce holds a connect for up to 110 s, so its connections outlive that idle; Jetty's default (30 s)
            // would close a client's pooled connection just as a flow-controlled client sends its 30 s keep-alive
            // connect on it, a race real servers do not have
            connector.setIdleTimeout(config.connectHold.plus(IDLE_CONNECTION_TIMEOUT).toMillis());
            s.addConnector(connector);

            ServletContextHandler context = new ServletContextHandler("/");
            context.setAttribute(BayeuxServer.ATTRIBUTE, bayeux);
            ServletHolder cometd = new ServletHolder("cometd", new CometDServlet());
            cometd.setAsyncSupported(true);
            cometd.setInitOrder(1);
            context.addServlet(cometd, "/cometd/*");

            s.setHandler(new FrontHandler(this, mapper, context));
            s.start();
            server = s;
            this.connector = connector;
            port = connector.getLocalPort();
            // a connector reopened after an outage binds this port again, not a new free one
            connector.setPort(port);
            LOG.info("Salesforce emulator listening on {}", baseUrl());
            if (config.pubSub) {
                startPubSubServer();
            }
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the Salesforce emulator", e);
        }
    }

    private BayeuxServerImpl newBayeuxServer() {
        BayeuxServerImpl bayeux = new BayeuxServerImpl();
        Map<String, Object> options = new HashMap<>();
        options.put(BayeuxServerImpl.TRANSPORTS_OPTION, "org.cometd.server.http.JSONHttpTransport");
        options.put(BayeuxServerImpl.ALLOWED_TRANSPORTS_OPTION, "long-polling");
        options.put("jsonContext", new JacksonJSONContextServer());
        options.put("timeout", config.connectHold.toMillis());
        options.put("interval", 0L);
        options.put("maxInterval", config.sessionTimeout.toMillis());
        options.put("metaConnectDeliverOnly", true);
        options.put("maxSessionsPerBrowser", -1);
        // find sessions by clientId; SalesforceBayeux then checks the BAYEUX_BROWSER cookie with Salesforce's error
        options.put("trustClientSession", true);
        options.put("browserCookieName", SalesforceBayeux.COOKIE);
        options.put(BayeuxServerImpl.SWEEP_PERIOD_OPTION,
            Math.max(50L, Math.min(997L, config.sessionTimeout.toMillis() / 4)));
        bayeux.setOptions(options);
        bayeux.setSecurityPolicy(new SecurityPolicy() {
            // authentication is checked per message by SalesforceBayeux; CometD's defaults deny everything
            @Override
            public boolean canHandshake(BayeuxServer server, ServerSession session, ServerMessage message) {
                return true;
            }

            @Override
            public boolean canCreate(BayeuxServer server, ServerSession session, String channelId,
                                     ServerMessage message) {
                return true;
            }

            @Override
            public boolean canSubscribe(BayeuxServer server, ServerSession session, ServerChannel channel,
                                        ServerMessage message) {
                return true;
            }

            @Override
            public boolean canPublish(BayeuxServer server, ServerSession session, ServerChannel channel,
                                      ServerMessage message) {
                return session != null && session.isLocalSession();
            }
        });
        return bayeux;
    }

    /**
     * Stops the server; every session is lost. The event logs and tokens stay, and {@link #start()} serves again (on the
     * same port when one was bound).
     */
    @Override
    public synchronized void close() {
        stopPubSubServer();
        stopServer();
        if (journal != null) {
            journal.close();
        }
    }

    /** Stops Jetty and CometD: the listening socket and every connection close, every Bayeux session is lost. */
    private void stopServer() {
        Server s = server;
        server = null;
        connector = null;
        if (s != null) {
            try {
                s.stop();
            } catch (Exception e) {
                LOG.warn("Error stopping the Salesforce emulator", e);
            }
        }
        salesforce = null;
        ExecutorService executor = pumpExecutor;
        pumpExecutor = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the server is serving. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}: the login URL and the instance_url. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code baseUrl() + "/cometd/" + apiVersion}. */
    public String cometdUrl(String apiVersion) {
        return baseUrl() + "/cometd/" + apiVersion;
    }

    /** {@code baseUrl() + "/services/oauth2/token"}. */
    public String tokenUrl() {
        return baseUrl() + "/services/oauth2/token";
    }

    /** Issues a valid access token without going through the token endpoint (not counted as a login). */
    public String issueAccessToken() {
        return tokens.issue();
    }

    /**
     * Every access and refresh token this emulator has handed out (token endpoint and {@link #issueAccessToken()}),
     * expired and revoked ones included: what a test checks logs and other output against for leaks.
     */
    public List<String> issuedTokens() {
        return tokens.issued();
    }

    public String orgId() {
        return tokens.orgId();
    }

    public String userId() {
        return tokens.userId();
    }

    // ------------------------------------------------------------------ events

    /**
     * Publishes {@code count} events on {@code channel}, each padded to roughly {@code payloadBytes} bytes of JSON.
     *
     * @return the replayIds assigned, in order (increasing, not contiguous)
     */
    public List<Long> publish(String channel, int count, int payloadBytes) {
        Channels.Kind kind = Channels.requireKind(channel);
        createdChannels.add(channel);
        EventLog log = log(channel);
        String padField = payloadBytes > 0 ? EventFactory.padField(kind) : null;
        String schemaId = eventTypes.schemaIdFor(channel, padField == null ? Map.of() : Map.of(padField, ""));
        List<Long> ids = new ArrayList<>(count);
        int chunk = 1000;
        for (int done = 0; done < count; done += chunk) {
            int n = Math.min(chunk, count - done);
            synchronized (log) {
                long now = config.clock.millis();
                for (int i = 0; i < n; i++) {
                    long id = log.nextId();
                    String json = events.data(channel, kind, id, now, Map.of(), payloadBytes, schemaId);
                    journal(channel, id, now, json);
                    log.append(id, now, json);
                    ids.add(id);
                }
            }
            notifyPublished(channel);
        }
        return ids;
    }

    /** Publishes one event whose payload (or sobject) carries {@code fields}; returns its replayId. */
    public long publish(String channel, Map<String, Object> fields) {
        Channels.Kind kind = Channels.requireKind(channel);
        createdChannels.add(channel);
        EventLog log = log(channel);
        Map<String, Object> given = new java.util.LinkedHashMap<>(Objects.requireNonNullElse(fields, Map.of()));
        String schemaId = eventTypes.schemaIdFor(channel, given);
        long id;
        synchronized (log) {
            long now = config.clock.millis();
            id = log.nextId();
            String json = events.data(channel, kind, id, now, given, 0, schemaId);
            journal(channel, id, now, json);
            log.append(id, now, json);
        }
        notifyPublished(channel);
        return id;
    }

    private void journal(String channel, long id, long createdMillis, String json) {
        if (journal != null) {
            journal.append(channel, id, createdMillis, json);
        }
    }

    /** The directory events are kept in across JVM restarts ({@code builder().dataDirectory(dir)}), or null. */
    public java.nio.file.Path dataDirectory() {
        return config.dataDirectory;
    }

    private void notifyPublished(String channel) {
        SalesforceBayeux sf = salesforce;
        if (sf != null) {
            sf.published(channel);
        }
        PubSubService ps = pubSubService;
        if (ps != null) {
            ps.published(channel);
        }
    }

    /** Makes a channel exist when the emulator is built with {@code channelMustExist(true)}. */
    public void createChannel(String channel) {
        Channels.requireKind(channel);
        createdChannels.add(channel);
    }

    /** The replayIds currently retained on {@code channel}, oldest first. */
    public List<Long> replayIds(String channel) {
        EventLog log = logs.get(channel);
        return log == null ? List.of() : log.replayIds();
    }

    EventLog log(String channel) {
        return logs.computeIfAbsent(channel, c -> new EventLog(c, config.retentionCount, config.retention.toMillis(), config.clock));
    }

    boolean channelExists(String bareChannel) {
        return !config.channelMustExist || createdChannels.contains(bareChannel);
    }

    // ------------------------------------------------------------------ state, counters, faults

    public Counters counters() {
        SalesforceBayeux sf = salesforce;
        if (sf == null) {
            return new Counters(logins.get(), 0, 0, Map.of(), 0);
        }
        return new Counters(logins.get(), handshakes.get(), sf.liveSessions(),
            Map.copyOf(sf.subscriptionsPerChannel()), eventsDelivered.get());
    }

    public Faults faults() {
        return faults;
    }

    /**
     * Restarts the server as a redeploy of Salesforce's would: the listening socket and every connection close (a
     * held {@code /meta/connect} is cut off, new connections are refused), every Bayeux session is lost, and the server
     * serves again on the same port. Event logs, counters and tokens are kept.
     */
    public synchronized void restart() {
        if (server == null) {
            throw new IllegalStateException("The emulator is not running");
        }
        LOG.info("Restart: stopping the server on port {} (every connection and Bayeux session lost)", port);
        stopServer();
        start();
    }

    /**
     * An outage: the listening socket and every open connection close (held connects are cut off, new connections are
     * refused) while the Bayeux sessions and their queues live on, as when a load balancer or the network drops out
     * in front of a CometD server. Events published meanwhile wait in the sessions' queues; a held connect that wakes
     * up for them writes them into a connection that is gone, so they are lost on the server's side.
     * {@link #endOutage()} listens again on the same port.
     */
    public synchronized void beginOutage() {
        ServerConnector c = connector;
        if (c == null) {
            throw new IllegalStateException("The emulator is not running");
        }
        LOG.info("Outage: port {} closed, connections cut, Bayeux sessions kept", port);
        try {
            c.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot close the emulator's port", e);
        }
        awaitPortRefusing();
    }

    /**
     * Returns once the port refuses connections. A listening channel closed while an acceptor thread is blocked in
     * accept() is released only when that thread wakes, so for a moment after stop() a connect can still succeed.
     */
    private void awaitPortRefusing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (IOException refused) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new IllegalStateException("Port " + port + " still accepts connections 5 s after the outage began");
    }

    /** Ends an outage begun by {@link #beginOutage()}: the same port accepts connections again. */
    public synchronized void endOutage() {
        ServerConnector c = connector;
        if (c == null) {
            throw new IllegalStateException("The emulator is not running");
        }
        if (c.isStarted()) {
            return;
        }
        try {
            c.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot listen on port " + port + " again", e);
        }
        LOG.info("Outage over: listening on port {} again", port);
    }

    /**
     * Every issued access token becomes invalid: the next Bayeux request gets 401::Authentication invalid, and every
     * open Pub/Sub stream ends with UNAUTHENTICATED and the {@code error-code} {@link PubSubErrors#AUTH_ERROR}.
     */
    public void expireTokens() {
        tokens.expireAll();
    }

    /** Revokes one access token (as {@code /services/oauth2/revoke} does). */
    public void revokeToken(String token) {
        tokens.revoke(token);
    }

    private void tokensInvalidated() {
        PubSubService ps = pubSubService;
        if (ps != null) {
            ps.tokensChanged();
        }
    }

    // ------------------------------------------------------------------ Pub/Sub API

    private synchronized void startPubSubServer() {
        if (tlsCertificate == null) {
            tlsCertificate = TlsCertificate.generate();
        }
        if (pubSubExecutor == null) {
            pubSubExecutor = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "sf-emulator-" + instance + "-pubsub");
                t.setDaemon(true);
                return t;
            });
        }
        if (pubSubService == null) {
            pubSubService = new PubSubService(this, eventTypes, mapper, config.pubSubIdleTimeout,
                config.pubSubKeepaliveInterval, config.pubSubMaxEventsPerResponse);
        }
        pubSubService.executor(pubSubExecutor);
        if (pubSub == null) {
            pubSub = new PubSubServer(this, pubSubService, tlsCertificate, config.pubSubPort, config.pubSubTlsPort);
        }
        pubSub.start();
    }

    private synchronized void stopPubSubServer() {
        if (pubSub != null) {
            pubSub.stop();
        }
        java.util.concurrent.ScheduledExecutorService executor = pubSubExecutor;
        pubSubExecutor = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** The Pub/Sub API's plaintext port on 127.0.0.1 (0 before the first start or when built with pubSub(false)). */
    public synchronized int pubSubPort() {
        return pubSub == null ? 0 : pubSub.plainPort();
    }

    /** The Pub/Sub API's TLS port on 127.0.0.1, serving {@link #pubSubCertificate()}. */
    public synchronized int pubSubTlsPort() {
        return pubSub == null ? 0 : pubSub.tlsPort();
    }

    /** The self-signed certificate (for {@code localhost} and {@code 127.0.0.1}) the TLS port serves: trust it. */
    public synchronized java.security.cert.X509Certificate pubSubCertificate() {
        return tlsCertificate == null ? null : tlsCertificate.certificate();
    }

    /** {@link #pubSubCertificate()} in PEM. */
    public synchronized String pubSubCertificatePem() {
        return tlsCertificate == null ? null : tlsCertificate.pem();
    }

    /**
     * Writes a PKCS12 trust store holding only {@link #pubSubCertificate()} (password
     * {@link #PUBSUB_TRUST_STORE_PASSWORD}), e.g. for {@code javax.net.ssl.trustStore}; returns {@code file}.
     */
    public synchronized java.nio.file.Path writePubSubTrustStore(java.nio.file.Path file) {
        if (tlsCertificate == null) {
            throw new IllegalStateException("The Pub/Sub API has not been started");
        }
        return tlsCertificate.writeTrustStore(file);
    }

    public static final String PUBSUB_TRUST_STORE_PASSWORD = TlsCertificate.TRUST_STORE_PASSWORD;

    /** Whether the Pub/Sub API's servers are serving. */
    public synchronized boolean isPubSubRunning() {
        return pubSub != null && pubSub.isRunning();
    }

    /** Stops the Pub/Sub API's servers (every stream ends; Bayeux keeps running). */
    public synchronized void stopPubSub() {
        LOG.info("Stopping the Pub/Sub API (fault injection)");
        if (pubSub != null) {
            pubSub.stop();
        }
    }

    /** Starts the Pub/Sub API's servers again on the ports they had. */
    public synchronized void startPubSub() {
        if (server == null) {
            throw new IllegalStateException("The emulator is not running");
        }
        startPubSubServer();
    }

    /** Every open Pub/Sub stream ends with {@code UNAVAILABLE: RST_STREAM closed stream}, as Salesforce's do at times. */
    public void resetPubSubStreams() {
        PubSubService ps = pubSubService;
        if (ps != null) {
            ps.resetStreams();
        }
    }

    /** The Pub/Sub API's counters: streams open, requested and delivered per stream, the largest outstanding. */
    public PubSubStats pubSubStats() {
        PubSubService ps = pubSubService;
        return ps == null ? new PubSubStats(0, 0, 0, 0, List.of()) : ps.stats();
    }

    /**
     * Declares the fields of the event type on {@code channel} ({@code /event/X__e} or a {@code /data/} channel), e.g.
     * {@code Map.of("Amount__c", "double")}; types: string, long, double, boolean, address, name. The type gets a new
     * schema id, which events published from now on carry (Pub/Sub subscribers see it change mid-stream).
     *
     * @return the new schema id
     */
    public String defineEventType(String channel, Map<String, String> fieldTypes) {
        Channels.requireKind(channel);
        return eventTypes.define(channel, fieldTypes);
    }

    /** The schema id events published on {@code channel} now get (null for channels without schemas). */
    public String schemaId(String channel) {
        return eventTypes.currentSchemaId(channel);
    }

    /** The fields of the event type on {@code channel} and their types. */
    public Map<String, String> eventTypeFields(String channel) {
        return eventTypes.fields(channel);
    }

    /**
     * Defines a managed subscription (Salesforce's ManagedEventSubscription metadata) for {@code ManagedSubscribe}.
     *
     * @param defaultReplay       where a subscription that never committed starts: LATEST or EARLIEST
     * @param errorRecoveryReplay where it starts when its committed position is no longer retained
     * @return its subscription id
     */
    public synchronized String createManagedSubscription(String developerName, String topic, String defaultReplay,
                                                         String errorRecoveryReplay) {
        if (pubSubService == null) {
            throw new IllegalStateException("The Pub/Sub API has not been started");
        }
        return pubSubService.createManaged(developerName, topic,
            io.sfstream.emulator.pubsub.proto.ReplayPreset.valueOf(defaultReplay),
            io.sfstream.emulator.pubsub.proto.ReplayPreset.valueOf(errorRecoveryReplay)).id;
    }

    /** Forgets every session: the next connect gets 403::Unknown client with advice handshake. */
    public void dropAllSessions() {
        SalesforceBayeux sf = salesforce;
        if (sf != null) {
            sf.dropAllSessions();
        }
    }

    /** Pushes a /meta/disconnect to every live session and ends it (API 64.0+ behaviour). */
    public void sendServerDisconnect() {
        SalesforceBayeux sf = salesforce;
        if (sf != null) {
            sf.disconnectAll();
        }
    }

    TokenService tokens() {
        return tokens;
    }

    void loginSucceeded() {
        logins.incrementAndGet();
    }

    Builder config() {
        return config;
    }

    // ------------------------------------------------------------------ builder

    public static final class Builder {
        private int port;
        private Duration connectHold = Duration.ofSeconds(110);
        private Duration sessionTimeout = Duration.ofSeconds(40);
        private int retentionCount = 2_000_000;
        private Duration retention = Duration.ofHours(24);
        private int maxEventsPerResponse = 1000;
        private PublicKey jwtPublicKey;
        private boolean channelMustExist;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private java.nio.file.Path dataDirectory;
        private boolean pubSub = true;
        private int pubSubPort;
        private int pubSubTlsPort;
        private Duration pubSubIdleTimeout = Duration.ofSeconds(60);
        private Duration pubSubKeepaliveInterval = Duration.ofSeconds(270);
        private int pubSubMaxEventsPerResponse = 100;

        private Builder() {
        }

        /** Whether the Pub/Sub API (gRPC) runs beside Bayeux (default true). */
        public Builder pubSub(boolean enabled) {
            this.pubSub = enabled;
            return this;
        }

        /** The Pub/Sub API's plaintext port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder pubSubPort(int port) {
            this.pubSubPort = port;
            return this;
        }

        /** The Pub/Sub API's TLS port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder pubSubTlsPort(int port) {
            this.pubSubTlsPort = port;
            return this;
        }

        /** A Pub/Sub stream with nothing requested is closed after this (Salesforce: about 60 s, the default). */
        public Builder pubSubIdleTimeout(Duration d) {
            this.pubSubIdleTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** A Pub/Sub stream with no events for this long gets an empty keepalive response (default 270 s). */
        public Builder pubSubKeepaliveInterval(Duration d) {
            this.pubSubKeepaliveInterval = Objects.requireNonNull(d);
            return this;
        }

        /** At most this many events per FetchResponse (default 100). */
        public Builder pubSubMaxEventsPerResponse(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("pubSubMaxEventsPerResponse must be > 0");
            }
            this.pubSubMaxEventsPerResponse = n;
            return this;
        }

        /**
         * Keeps every published event in this directory (one append-only file per channel) and reloads them when an
         * emulator is built on it again, with the same replayIds: a client's replay markers stay valid across JVM
         * restarts. Retention still applies to what is served; the files are not trimmed. Default: none, events live
         * in memory only.
         */
        public Builder dataDirectory(java.nio.file.Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** The clock of event CreatedDates and retention by age (tests move it instead of waiting). */
        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The port to bind on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** How long a later /meta/connect is held when there are no events (default 110 s; the advice always says 110000). */
        public Builder connectHold(Duration d) {
            this.connectHold = Objects.requireNonNull(d);
            return this;
        }

        /** Sessions with no /meta/connect within this are dropped (default 40 s). */
        public Builder sessionTimeout(Duration d) {
            this.sessionTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Events retained per channel (default 2,000,000). */
        public Builder retentionCount(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("retentionCount must be > 0");
            }
            this.retentionCount = n;
            return this;
        }

        /** How long events are retained (default 24 h). */
        public Builder retention(Duration age) {
            this.retention = Objects.requireNonNull(age);
            return this;
        }

        /** At most this many events are queued to a session per connect response (default 1000). */
        public Builder maxEventsPerResponse(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxEventsPerResponse must be > 0");
            }
            this.maxEventsPerResponse = n;
            return this;
        }

        /** The public key that JWT bearer assertions (RS256) are verified with; without one, JWT grants fail. */
        public Builder jwtPublicKey(PublicKey key) {
            this.jwtPublicKey = key;
            return this;
        }

        /**
         * When true, only channels made by {@link #createChannel(String)} or a publish exist, and subscribing to any
         * other gets Salesforce's unknown channel 400. Default false: every well-formed channel exists.
         */
        public Builder channelMustExist(boolean b) {
            this.channelMustExist = b;
            return this;
        }

        public SalesforceEmulator build() {
            return new SalesforceEmulator(this);
        }

        Duration connectHold() {
            return connectHold;
        }
    }
}
