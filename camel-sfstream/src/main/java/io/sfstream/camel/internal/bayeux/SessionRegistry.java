package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.login.HttpClients;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.SharedMappers;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.transport.TransportStatus;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * The Bayeux sessions of one component. Endpoints whose session-level options (credentials, login URL, API version,
 * reconnect delays) are equal share a session; a Bayeux session subscribes a channel once, so a second endpoint on the
 * same channel gets a session of its own.
 */
public final class SessionRegistry {

    private final AtomicInteger sequence = new AtomicInteger();
    // guarded by this
    private final Map<String, List<Entry>> byKey = new HashMap<>();

    private static final class Entry {
        final BayeuxSession session;
        final ScheduledExecutorService scheduler;
        final ExecutorService requests;
        final ExecutorServiceManager executors;
        final Set<String> channels = new HashSet<>();

        Entry(BayeuxSession session, ScheduledExecutorService scheduler, ExecutorService requests,
              ExecutorServiceManager executors) {
            this.session = session;
            this.executors = executors;
            this.requests = requests;
            this.scheduler = scheduler;
        }
    }

    /**
     * The transport of an endpoint's settings: each subscription it opens is carried by a session of those settings,
     * created when needed.
     */
    public Transport transport(SfStreamConfiguration config, CamelContext context) {
        return subscriber -> {
            BayeuxSession session = subscribe(config, context, subscriber);
            return new Transport.Subscription() {
                @Override
                public void more() {
                    session.resume(subscriber);
                }

                @Override
                public TransportStatus status() {
                    return session.statistics();
                }

                @Override
                public void close() {
                    unsubscribe(session, subscriber);
                }
            };
        };
    }

    /** Subscribes the listener on a session of its endpoint's settings, creating one when needed. */
    synchronized BayeuxSession subscribe(SfStreamConfiguration config, CamelContext context, Subscriber listener) {
        String key = config.sessionKey();
        String channel = listener.channel().subscription();
        List<Entry> entries = byKey.computeIfAbsent(key, k -> new ArrayList<>());
        Entry entry = entries.stream().filter(e -> !e.channels.contains(channel)
                && e.session.statistics().sessionState() != SessionState.FAILED).findFirst().orElse(null);
        if (entry == null) {
            entry = newSession(config, context);
            entries.add(entry);
        }
        entry.channels.add(channel);
        entry.session.subscribe(listener);
        return entry.session;
    }

    /** Unsubscribes the listener; a session left without channels disconnects and ends. */
    synchronized void unsubscribe(BayeuxSession session, Subscriber listener) {
        for (List<Entry> entries : byKey.values()) {
            for (Entry entry : entries) {
                if (entry.session == session) {
                    session.unsubscribe(listener);
                    entry.channels.remove(listener.channel().subscription());
                    if (entry.channels.isEmpty()) {
                        entries.remove(entry);
                        close(entry);
                    }
                    return;
                }
            }
        }
    }

    public synchronized void closeAll() {
        byKey.values().forEach(entries -> entries.forEach(this::close));
        byKey.clear();
    }

    /** Every live session, for tests and monitoring. */
    public synchronized List<BayeuxSession> sessions() {
        return byKey.values().stream().flatMap(List::stream).map(e -> e.session).toList();
    }

    private void close(Entry entry) {
        entry.session.close();
        entry.executors.shutdownNow(entry.scheduler);
        // after the session's courtesy /meta/disconnect: interrupts a long poll still waiting
        entry.executors.shutdownNow(entry.requests);
    }

    private Entry newSession(SfStreamConfiguration config, CamelContext context) {
        String name = "sfstream-" + sequence.incrementAndGet();
        ExecutorServiceManager executors = context.getExecutorServiceManager();
        ScheduledExecutorService scheduler = executors.newSingleThreadScheduledExecutor(this, "SfStreamSession-" + name);
        // connect timeout, proxy and TLS from the options: see HttpClients
        HttpClient.Builder http = HttpClients.builder(config, context);
        // unbounded: the HTTP client's own tasks run here too, beside the sends that wait for their answers
        ExecutorService requests = executors.newCachedThreadPool(this, "SfStreamHttp-" + name);
        http.executor(requests);
        ObjectMapper json = SharedMappers.protocol();
        BayeuxTransport transport = new BayeuxTransport(http, json, config.getMaxMessageSize(),
                config.getHttpRequestTimeout(), requests);
        SalesforceLogin login = new SalesforceLogin(transport.http(), json, config, context);
        BackOff backOff = new BackOff(config.getTimeToWaitBeforeConnectionRetry(), config.getMaxReconnectDelay(),
                () -> ThreadLocalRandom.current().nextDouble());
        BayeuxSession session = new BayeuxSession(name, login, transport, json, config.getApiVersion(),
                scheduler, backOff, Clock.systemUTC(), config.getConnectionTimeout(), config.getMaxErroneousPeriod());
        return new Entry(session, scheduler, requests, executors);
    }
}
