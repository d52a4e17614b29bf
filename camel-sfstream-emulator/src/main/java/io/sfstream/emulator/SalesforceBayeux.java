package io.sfstream.emulator;

import com.fasterxml.jackson.databind.util.RawValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Promise;
import org.cometd.bayeux.server.BayeuxContext;
import org.cometd.bayeux.server.BayeuxServer;
import org.cometd.bayeux.server.ServerChannel;
import org.cometd.bayeux.server.ServerMessage;
import org.cometd.bayeux.server.ServerSession;
import org.cometd.server.BayeuxServerImpl;
import org.cometd.server.ServerMessageImpl;
import org.cometd.server.ServerSessionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Salesforce layer on top of CometD's server: authentication of every message, BAYEUX_BROWSER cookie
 * enforcement, the replay extension, Salesforce's error texts and advice, and per-session delivery of the event
 * logs in batches.
 *
 * <p>Events are not broadcast through CometD channels: every subscribed session has a cursor per channel (the last
 * replayId queued to it), and a pump queues the events after the cursor, at most {@code maxEventsPerResponse} at a
 * time. The pump runs when a subscription starts, when events are published, and when the session's queue is taken
 * for a connect response. Replay and live delivery are therefore the same code path: no gap, no duplicate, in
 * replayId order, and a 100,000 event backlog is never queued (or copied) at once.</p>
 */
final class SalesforceBayeux implements BayeuxServer.Extension, BayeuxServer.SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceBayeux.class);

    static final String COOKIE = "BAYEUX_BROWSER";
    static final long ADVERTISED_TIMEOUT = 110_000L;
    private static final String STATE = "sfstream.state";
    private static final String PENDING = "sfstream.pending";

    private final SalesforceEmulator emulator;
    private final ExecutorService pumpExecutor;
    private final int maxEventsPerResponse;
    private final AtomicLong handshakes;
    private final AtomicLong eventsDelivered;
    private final Map<String, SessionState> states = new ConcurrentHashMap<>();
    private volatile BayeuxServerImpl bayeux;

    SalesforceBayeux(SalesforceEmulator emulator, ExecutorService pumpExecutor, int maxEventsPerResponse,
                     AtomicLong handshakes, AtomicLong eventsDelivered) {
        this.emulator = emulator;
        this.handshakes = handshakes;
        this.eventsDelivered = eventsDelivered;
        this.pumpExecutor = pumpExecutor;
        this.maxEventsPerResponse = maxEventsPerResponse;
    }

    void attach(BayeuxServerImpl bayeux) {
        this.bayeux = bayeux;
        bayeux.addExtension(this);
        bayeux.addListener(this);
    }

    // ------------------------------------------------------------------ session tracking

    /** Per Bayeux session: the cursor of every subscribed channel and how many events are queued. */
    static final class SessionState {
        final ServerSessionImpl session;
        final Map<String, Long> cursors = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

        SessionState(ServerSessionImpl session) {
            this.session = session;
        }
    }

    @Override
    public void sessionAdded(ServerSession session, ServerMessage message) {
        if (!(session instanceof ServerSessionImpl impl) || session.isLocalSession()) {
            return;
        }
        SessionState state = new SessionState(impl);
        states.put(session.getId(), state);
        session.setAttribute(STATE, state);
        session.addListener((ServerSession.DeQueueListener) (s, queue) -> dequeued(state, queue));
    }

    @Override
    public void sessionRemoved(ServerSession session, ServerMessage message, boolean timeout) {
        states.remove(session.getId());
        if (timeout) {
            LOG.info("Session {} expired: no /meta/connect within the reconnect deadline", session.getId());
        }
    }

    int liveSessions() {
        return states.size();
    }

    Map<String, Integer> subscriptionsPerChannel() {
        Map<String, Integer> out = new HashMap<>();
        for (SessionState state : states.values()) {
            for (String channel : state.cursors.keySet()) {
                out.merge(channel, 1, Integer::sum);
            }
        }
        return out;
    }

    List<ServerSession> sessions() {
        BayeuxServerImpl b = bayeux;
        return b == null ? List.of() : b.getSessions();
    }

    // ------------------------------------------------------------------ delivery

    private void dequeued(SessionState state, Queue<ServerMessage> queue) {
        int events = 0;
        for (ServerMessage m : queue) {
            String ch = m.getChannel();
            if (ch != null && !ch.startsWith("/meta/")) {
                events++;
            }
        }
        eventsDelivered.addAndGet(events);
        // no lock here: CometD may call this while holding the session's lock
        state.queued.set(0);
        if (state.cursors.isEmpty()) {
            return;
        }
        // queue the next batch after this response is on its way
        pumpExecutor.execute(() -> pump(state));
    }

    /** Pumps every session subscribed to {@code channel} (after a publish). */
    void published(String channel) {
        for (SessionState state : states.values()) {
            if (state.cursors.containsKey(channel)) {
                pump(state);
            }
        }
    }

    /** Queues the next events of every subscribed channel, up to the per-response budget. */
    void pump(SessionState state) {
        if (state.session.isDisconnected() || state.session.isTerminated()) {
            return;
        }
        List<ServerMessage.Mutable> batch = new ArrayList<>();
        synchronized (state) {
            // what is queued for the session: our own count (reset when the queue is taken for a response, so a pump
            // right after the dequeue callback sees the full budget) bounded by the queue's real size (so the budget
            // cannot drift should a dequeue callback be missed)
            int queued = Math.min(state.queued.get(), state.session.getQueue().size());
            int budget = maxEventsPerResponse - queued;
            for (Map.Entry<String, Long> cursor : state.cursors.entrySet()) {
                if (budget <= 0) {
                    break;
                }
                EventLog log = emulator.log(cursor.getKey());
                List<EventLog.Entry> entries = log.after(cursor.getValue(), budget);
                if (entries.isEmpty()) {
                    continue;
                }
                for (EventLog.Entry e : entries) {
                    ServerMessage.Mutable m = bayeux.newMessage();
                    m.setChannel(cursor.getKey());
                    m.setData(new RawValue(e.dataJson()));
                    batch.add(m);
                }
                long last = entries.get(entries.size() - 1).replayId();
                // only if the cursor is still the one read above: an unsubscribe, or a resubscribe with another
                // replayId, may have raced with this pump, and must not be overwritten by this older position
                state.cursors.replace(cursor.getKey(), cursor.getValue(), last);
                budget -= entries.size();
            }
            state.queued.addAndGet(batch.size());
            if (!batch.isEmpty()) {
                // deliver while holding the state's monitor so concurrent pumps keep replayId order
                state.session.batch(() -> {
                    for (ServerMessage.Mutable m : batch) {
                        state.session.deliver(null, m, Promise.noop());
                    }
                });
            }
        }
    }

    // ------------------------------------------------------------------ incoming

    @Override
    public boolean rcv(ServerSession from, ServerMessage.Mutable message) {
        // clients cannot publish on Salesforce streaming channels
        ServerMessage.Mutable reply = message.getAssociated();
        if (reply != null) {
            fail(reply, "403::Publish denied");
        }
        return false;
    }

    @Override
    public boolean rcvMeta(ServerSession session, ServerMessage.Mutable message) {
        ServerMessage.Mutable reply = message.getAssociated();
        String channel = message.getChannel();
        BayeuxContext context = message.getBayeuxContext();
        String token = context == null ? null : bearer(context.getHeader("Authorization"));
        if (!emulator.tokens().isValid(token)) {
            if (Channel.META_HANDSHAKE.equals(channel)) {
                fail(reply, "403::Handshake denied");
                reply.getExt(true).put("sfdc", Map.of("failureReason", "401::Authentication invalid"));
            } else {
                fail(reply, "401::Authentication invalid");
            }
            reply.put(org.cometd.bayeux.Message.ADVICE_FIELD, Map.of("reconnect", "none"));
            return false;
        }
        if (Channel.META_HANDSHAKE.equals(channel) || session == null
            || !session.getId().equals(message.getClientId())) {
            // handshake, or an unknown client which CometD answers (rewritten in sendMeta)
            return true;
        }
        String cookie = context.getCookie(COOKIE);
        String browserId = session instanceof ServerSessionImpl impl ? impl.getBrowserId() : null;
        if (cookie == null || (browserId != null && !browserId.equals(cookie))) {
            fail(reply, "400::Client " + session.getId()
                + " has established a session, but no BAYEUX_BROWSER cookie present");
            return false;
        }
        if (Channel.META_SUBSCRIBE.equals(channel)) {
            return subscribing(session, message, reply);
        }
        Object type = message.get(org.cometd.bayeux.Message.CONNECTION_TYPE_FIELD);
        if (Channel.META_CONNECT.equals(channel) && type != null && !"long-polling".equals(type)) {
            fail(reply, "400::Invalid connection type");
            return false;
        }
        if (Channel.META_CONNECT.equals(channel) && session.getAttribute(STATE) instanceof SessionState state
                && !state.cursors.isEmpty()) {
            // every connect is a chance to move a backlog on: delivery never depends on a dequeue callback alone
            pumpExecutor.execute(() -> pump(state));
        }
        return true;
    }

    private boolean subscribing(ServerSession session, ServerMessage.Mutable message, ServerMessage.Mutable reply) {
        Object sub = message.get(org.cometd.bayeux.Message.SUBSCRIPTION_FIELD);
        if (!(sub instanceof String subscription)) {
            // let CometD reject it
            return true;
        }
        reply.put(org.cometd.bayeux.Message.SUBSCRIPTION_FIELD, subscription);
        String failure = emulator.faults().takeSubscribeFailure();
        if (failure != null) {
            fail(reply, failure);
            reply.getExt(true).put("sfdc", Map.of("failureReason", failure));
            return false;
        }
        String bare = Channels.bare(subscription);
        if (!Channels.isWellFormedSubscription(subscription) || !emulator.channelExists(bare)) {
            fail(reply, "400::The channel you requested to subscribe to doesn't exist {" + subscription + "}");
            return false;
        }
        EventLog log = emulator.log(bare);
        long cursor = log.lastAssigned(); // no replay ext: new events only
        Map<String, Object> ext = message.getExt();
        Object replay = ext == null ? null : ext.get("replay");
        if (replay instanceof Map<?, ?> map && !map.isEmpty()) {
            Object value = map.get(bare);
            if (value == null) {
                fail(reply, "400::The replayId for channel {" + bare + "} wasn't found using the provided replay ID map "
                    + map);
                return false;
            }
            long replayId;
            try {
                replayId = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                fail(reply, invalidReplayId(String.valueOf(value)));
                return false;
            }
            if (replayId == -1) {
                cursor = log.lastAssigned();
            } else if (replayId == -2) {
                cursor = log.beforeOldest();
            } else if (log.isResumable(replayId)) {
                cursor = replayId;
            } else {
                fail(reply, invalidReplayId(Long.toString(replayId)));
                return false;
            }
        }
        // subscribe the CometD session to the bare channel; the reply echoes what the client sent
        message.put(org.cometd.bayeux.Message.SUBSCRIPTION_FIELD, bare);
        Map<String, Long> pending = pendingOf(session);
        synchronized (pending) {
            pending.put(bare, cursor);
        }
        return true;
    }

    static String invalidReplayId(String replayId) {
        return "400::The replayId {" + replayId + "} you provided was invalid.  Please provide a valid ID, -2 to replay"
            + " all events, or -1 to replay only new events.";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> pendingOf(ServerSession session) {
        synchronized (session) {
            Object p = session.getAttribute(PENDING);
            if (p == null) {
                p = new HashMap<String, Long>();
                session.setAttribute(PENDING, p);
            }
            return (Map<String, Long>) p;
        }
    }

    private static void fail(ServerMessage.Mutable reply, String error) {
        reply.setSuccessful(false);
        reply.put(org.cometd.bayeux.Message.ERROR_FIELD, error);
        if (reply instanceof ServerMessageImpl impl) {
            impl.setHandled(true);
        }
    }

    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        for (String scheme : new String[] {"Bearer ", "OAuth "}) {
            if (a.regionMatches(true, 0, scheme, 0, scheme.length())) {
                String t = a.substring(scheme.length()).trim();
                return t.isEmpty() ? null : t;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ outgoing

    @Override
    public boolean sendMeta(ServerSession to, ServerMessage.Mutable reply) {
        String channel = reply.getChannel();
        Object error = reply.get(org.cometd.bayeux.Message.ERROR_FIELD);
        if (error instanceof String e && e.startsWith("402::")) {
            // CometD's unknown session -> Salesforce's text; the session is gone, so no clientId
            reply.put(org.cometd.bayeux.Message.ERROR_FIELD, "403::Unknown client");
            reply.remove(org.cometd.bayeux.Message.CLIENT_ID_FIELD);
            reply.put(org.cometd.bayeux.Message.ADVICE_FIELD, Map.of("reconnect", "handshake", "interval", 0));
            return true;
        }
        if (Channel.META_HANDSHAKE.equals(channel)) {
            if (reply.isSuccessful()) {
                handshakes.incrementAndGet();
                Map<String, Object> ext = reply.getExt(true);
                ext.put("replay", Boolean.TRUE);
                ext.put("payload.format", Boolean.TRUE);
                Map<String, Object> advice = reply.getAdvice();
                if (advice != null) {
                    Map<String, Object> copy = new HashMap<>(advice);
                    copy.put("timeout", ADVERTISED_TIMEOUT);
                    copy.put("interval", 0);
                    reply.put(org.cometd.bayeux.Message.ADVICE_FIELD, copy);
                }
            }
        } else if (Channel.META_CONNECT.equals(channel)) {
            if (reply.isSuccessful()) {
                Map<String, Object> advice = reply.getAdvice();
                Object reconnect = advice == null ? null : advice.get("reconnect");
                if (reconnect == null || "retry".equals(reconnect)) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("interval", 0);
                    a.put("timeout", ADVERTISED_TIMEOUT);
                    a.put("reconnect", "retry");
                    reply.put(org.cometd.bayeux.Message.ADVICE_FIELD, a);
                }
            }
        } else if (Channel.META_SUBSCRIBE.equals(channel)) {
            if (reply.isSuccessful() && to != null) {
                subscribed(to, reply);
            }
        } else if (Channel.META_UNSUBSCRIBE.equals(channel)) {
            if (reply.isSuccessful() && to != null) {
                Object sub = reply.get(org.cometd.bayeux.Message.SUBSCRIPTION_FIELD);
                SessionState state = states.get(to.getId());
                if (state != null && sub instanceof String s) {
                    state.cursors.remove(Channels.bare(s));
                }
            }
        }
        return true;
    }

    private void subscribed(ServerSession to, ServerMessage.Mutable reply) {
        Object sub = reply.get(org.cometd.bayeux.Message.SUBSCRIPTION_FIELD);
        if (!(sub instanceof String subscription)) {
            return;
        }
        String bare = Channels.bare(subscription);
        Map<String, Long> pending = pendingOf(to);
        Long cursor;
        synchronized (pending) {
            cursor = pending.remove(bare);
        }
        SessionState state = states.get(to.getId());
        if (cursor == null || state == null) {
            return;
        }
        // a repeated subscribe of a channel this session already has keeps its cursor: no second replay
        state.cursors.putIfAbsent(bare, cursor);
        pumpExecutor.execute(() -> pump(state));
    }

    /** Drops every session without telling the clients (their next request gets 403::Unknown client). */
    void dropAllSessions() {
        for (ServerSession session : sessions()) {
            bayeux.removeSession(session);
        }
        states.clear();
    }

    /** Sends a server-side /meta/disconnect to every live session, which ends it. */
    void disconnectAll() {
        for (ServerSession session : sessions()) {
            session.disconnect();
        }
    }

    /** The channel subscriptions known to CometD (for debugging). */
    List<String> channels() {
        List<String> out = new ArrayList<>();
        BayeuxServerImpl b = bayeux;
        if (b != null) {
            for (ServerChannel c : b.getChannels()) {
                out.add(c.getId());
            }
        }
        return out;
    }
}
