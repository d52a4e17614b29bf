package io.sfstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sfstream.emulator.pubsub.proto.ConsumerEvent;
import io.sfstream.emulator.pubsub.proto.Error;
import io.sfstream.emulator.pubsub.proto.ErrorCode;
import io.sfstream.emulator.pubsub.proto.FetchRequest;
import io.sfstream.emulator.pubsub.proto.FetchResponse;
import io.sfstream.emulator.pubsub.proto.ManagedFetchRequest;
import io.sfstream.emulator.pubsub.proto.ManagedFetchResponse;
import io.sfstream.emulator.pubsub.proto.ProducerEvent;
import io.sfstream.emulator.pubsub.proto.PubSubGrpc;
import io.sfstream.emulator.pubsub.proto.PublishRequest;
import io.sfstream.emulator.pubsub.proto.PublishResponse;
import io.sfstream.emulator.pubsub.proto.PublishResult;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.SchemaInfo;
import io.sfstream.emulator.pubsub.proto.SchemaRequest;
import io.sfstream.emulator.pubsub.proto.TopicInfo;
import io.sfstream.emulator.pubsub.proto.TopicRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pub/Sub API's {@code eventbus.v1.PubSub} service over the emulator's event logs: the same events, with the same
 * EventUuids, that Bayeux subscribers get, as Avro payloads with opaque replay ids.
 */
final class PubSubService extends PubSubGrpc.PubSubImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubService.class);

    /** The access token the call was authenticated with (set by {@link PubSubServer}'s interceptor). */
    static final Context.Key<String> TOKEN = Context.key("sfstream-pubsub-token");

    private static final int EVENT_CACHE = 20_000;

    private final SalesforceEmulator emulator;
    private final EventTypes eventTypes;
    private final ObjectMapper mapper;
    private volatile ScheduledExecutorService executor;
    private final Duration idleTimeout;
    private final Duration keepaliveInterval;
    private final int maxEventsPerResponse;
    private final Map<Long, FetchStream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger publishStreams = new AtomicInteger();
    private final Map<String, Managed> managed = new ConcurrentHashMap<>();
    private final AtomicLong streamIds = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final Map<String, ConsumerEvent> eventCache = Collections.synchronizedMap(
        new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ConsumerEvent> eldest) {
                return size() > EVENT_CACHE;
            }
        });

    PubSubService(SalesforceEmulator emulator, EventTypes eventTypes, ObjectMapper mapper, Duration idleTimeout,
                  Duration keepaliveInterval, int maxEventsPerResponse) {
        this.emulator = emulator;
        this.eventTypes = eventTypes;
        this.mapper = mapper;
        this.idleTimeout = idleTimeout;
        this.keepaliveInterval = keepaliveInterval;
        this.maxEventsPerResponse = maxEventsPerResponse;
    }

    /** The executor of deliveries and timers; a new one after each restart of the emulator. */
    void executor(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    // ------------------------------------------------------------------ Subscribe

    @Override
    public StreamObserver<FetchRequest> subscribe(StreamObserver<FetchResponse> responses) {
        FetchStream stream = admit(responses, "Subscribe", false);
        if (stream == null) {
            return ignoring();
        }
        return requests(stream, request -> fetch(stream, request));
    }

    /** The requests of one stream: each handed to {@code onRequest}; the client's end or error ends the stream. */
    private static <T> StreamObserver<T> requests(FetchStream stream, java.util.function.Consumer<T> onRequest) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T request) {
                onRequest.accept(request);
            }

            @Override
            public void onError(Throwable t) {
                stream.closed();
            }

            @Override
            public void onCompleted() {
                stream.clientCompleted();
            }
        };
    }

    private void fetch(FetchStream stream, FetchRequest request) {
        if (!stream.isOpen()) {
            return;
        }
        if (stream.channel() != null) {
            // the replay settings of later requests are ignored, as Salesforce does
            stream.request(request.getNumRequested());
            return;
        }
        String topic = request.getTopicName();
        EventLog log = topicLog(topic);
        if (log == null) {
            stream.end(Status.INVALID_ARGUMENT.withDescription("Topic " + topic
                + " cannot be subscribed to with the Pub/Sub API"), PubSubErrors.TOPIC_INVALID);
            return;
        }
        long start;
        if (request.getReplayPreset() == ReplayPreset.LATEST) {
            start = log.lastAssigned();
        } else if (request.getReplayPreset() == ReplayPreset.EARLIEST) {
            start = log.beforeOldest();
        } else if (request.getReplayPreset() == ReplayPreset.CUSTOM) {
            Long position = PubSubReplayIds.decode(topic, request.getReplayId());
            if (position == null || !resumable(log, position)) {
                stream.end(Status.INVALID_ARGUMENT.withDescription("The Replay ID validation failed: the replay id is"
                    + " corrupted or older than the retention window of " + topic), PubSubErrors.REPLAY_ID_CORRUPTED);
                return;
            }
            start = position;
        } else {
            stream.end(Status.INVALID_ARGUMENT.withDescription("Unknown replay preset"),
                PubSubErrors.REPLAY_ID_VALIDATION_FAILED);
            return;
        }
        stream.open(topic, log, start, request.getNumRequested(), null);
    }

    /** The log of a topic the Pub/Sub API serves (platform events and change events), or null. */
    private EventLog topicLog(String topic) {
        Channels.Kind kind = Channels.kind(topic);
        if ((kind != Channels.Kind.PLATFORM_EVENT && kind != Channels.Kind.CHANGE_EVENT)
            || !emulator.channelExists(topic)) {
            return null;
        }
        return emulator.log(topic);
    }

    /** Whether a stream may start after {@code position}: inside [{@link EventLog#firstResumable()}, last assigned]. */
    boolean resumable(EventLog log, long position) {
        return position <= log.lastAssigned() && position >= log.firstResumable();
    }

    private FetchStream admit(StreamObserver<?> responses, String rpc, boolean isManaged) {
        calls.incrementAndGet();
        ServerCallStreamObserver<?> out = (ServerCallStreamObserver<?>) responses;
        int limit = emulator.faults().pubSubStreamLimit();
        if (limit > 0 && streams.size() + publishStreams.get() >= limit) {
            out.onError(PubSubErrors.error(Status.RESOURCE_EXHAUSTED.withDescription(
                "Concurrent client limit of " + limit + " exceeded"), PubSubErrors.CLIENT_LIMIT_EXCEEDED));
            return null;
        }
        FetchStream stream = new FetchStream(this, streamIds.incrementAndGet(), rpc, TOKEN.get(), out, isManaged);
        streams.put(stream.id(), stream);
        out.setOnCancelHandler(stream::closed);
        return stream;
    }

    private static <T> StreamObserver<T> ignoring() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    // ------------------------------------------------------------------ ManagedSubscribe

    /** A managed subscription: the org keeps its committed position; one client holds it at a time. */
    static final class Managed {
        final String id;
        final String developerName;
        final String topic;
        final ReplayPreset defaultReplay;
        final ReplayPreset errorRecoveryReplay;
        private Long committed;
        private FetchStream holder;

        Managed(String id, String developerName, String topic, ReplayPreset defaultReplay,
                ReplayPreset errorRecoveryReplay) {
            this.id = id;
            this.developerName = developerName;
            this.topic = topic;
            this.defaultReplay = defaultReplay;
            this.errorRecoveryReplay = errorRecoveryReplay;
        }

        synchronized boolean claim(FetchStream stream) {
            // a holder is released when its stream closes; asking the stream here would take its monitor under ours
            if (holder != null) {
                return false;
            }
            holder = stream;
            return true;
        }

        synchronized void release(FetchStream stream) {
            if (holder == stream) {
                holder = null;
            }
        }

        synchronized void committed(long position) {
            committed = position;
        }

        synchronized Long committed() {
            return committed;
        }
    }

    Managed createManaged(String developerName, String topic, ReplayPreset defaultReplay,
                          ReplayPreset errorRecoveryReplay) {
        if (topicLog(topic) == null) {
            throw new IllegalArgumentException("Not a Pub/Sub topic: " + topic);
        }
        Managed m = new Managed(EventFactory.randomId("18x", 18), developerName, topic, defaultReplay,
            errorRecoveryReplay);
        Managed previous = managed.putIfAbsent(developerName, m);
        return previous != null ? previous : m;
    }

    /** The committed position of a managed subscription as a replay id, or null. */
    ByteString committedReplayId(String developerName) {
        Managed m = managed.get(developerName);
        Long c = m == null ? null : m.committed();
        return c == null ? null : PubSubReplayIds.encode(m.topic, c);
    }

    @Override
    public StreamObserver<ManagedFetchRequest> managedSubscribe(StreamObserver<ManagedFetchResponse> responses) {
        FetchStream stream = admit(responses, "ManagedSubscribe", true);
        if (stream == null) {
            return ignoring();
        }
        return requests(stream, request -> managedFetch(stream, request));
    }

    private void managedFetch(FetchStream stream, ManagedFetchRequest request) {
        if (!stream.isOpen()) {
            return;
        }
        Managed m = stream.subscription();
        if (m == null) {
            m = findManaged(request.getSubscriptionId(), request.getDeveloperName());
            if (m == null) {
                stream.end(Status.NOT_FOUND.withDescription("No managed subscription " + request.getDeveloperName()
                    + request.getSubscriptionId()), PubSubErrors.MANAGED_SUBSCRIPTION_NOT_FOUND);
                return;
            }
            if (!m.claim(stream)) {
                stream.end(Status.FAILED_PRECONDITION.withDescription("Managed subscription " + m.developerName
                    + " is held by another client"), PubSubErrors.CLIENT_LIMIT_EXCEEDED);
                return;
            }
            EventLog log = emulator.log(m.topic);
            Long committed = m.committed();
            long start;
            if (committed != null && resumable(log, committed)) {
                start = committed;
            } else {
                ReplayPreset preset = committed == null ? m.defaultReplay : m.errorRecoveryReplay;
                start = preset == ReplayPreset.EARLIEST ? log.beforeOldest() : log.lastAssigned();
            }
            stream.open(m.topic, log, start, 0, m);
        }
        if (request.hasCommitReplayIdRequest()) {
            stream.commit(request.getCommitReplayIdRequest().getCommitRequestId(),
                request.getCommitReplayIdRequest().getReplayId(), m);
        }
        stream.request(request.getNumRequested());
    }

    private Managed findManaged(String subscriptionId, String developerName) {
        if (!developerName.isEmpty()) {
            return managed.get(developerName);
        }
        for (Managed m : managed.values()) {
            if (m.id.equals(subscriptionId)) {
                return m;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ topics and schemas

    @Override
    public void getTopic(TopicRequest request, StreamObserver<TopicInfo> responses) {
        calls.incrementAndGet();
        String topic = request.getTopicName();
        if (topicLog(topic) == null) {
            responses.onError(PubSubErrors.error(Status.NOT_FOUND.withDescription("Unknown topic " + topic),
                PubSubErrors.TOPIC_INVALID));
            return;
        }
        reply(responses, TopicInfo.newBuilder().setTopicName(topic).setTenantGuid(emulator.orgId())
            .setCanPublish(Channels.kind(topic) == Channels.Kind.PLATFORM_EVENT).setCanSubscribe(true)
            .setSchemaId(eventTypes.schemaIdFor(topic, Map.of())).setRpcId(UUID.randomUUID().toString()).build());
    }

    @Override
    public void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> responses) {
        calls.incrementAndGet();
        Schema schema = eventTypes.schema(request.getSchemaId());
        if (schema == null) {
            responses.onError(PubSubErrors.error(Status.NOT_FOUND.withDescription("Unknown schema id "
                + request.getSchemaId()), PubSubErrors.SCHEMA_NOT_FOUND));
            return;
        }
        reply(responses, SchemaInfo.newBuilder().setSchemaJson(schema.toString()).setSchemaId(request.getSchemaId())
            .setRpcId(UUID.randomUUID().toString()).build());
    }

    private <T> void reply(StreamObserver<T> responses, T value) {
        long stall = emulator.faults().takePubSubStall();
        Runnable answer = () -> {
            try {
                responses.onNext(value);
                responses.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("Pub/Sub answer not written: {}", e.toString());
            }
        };
        if (stall > 0) {
            schedule(answer, stall);
        } else {
            answer.run();
        }
    }

    // ------------------------------------------------------------------ Publish

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> responses) {
        calls.incrementAndGet();
        reply(responses, publish(request));
    }

    @Override
    public StreamObserver<PublishRequest> publishStream(StreamObserver<PublishResponse> responses) {
        calls.incrementAndGet();
        ServerCallStreamObserver<PublishResponse> out = (ServerCallStreamObserver<PublishResponse>) responses;
        int limit = emulator.faults().pubSubStreamLimit();
        if (limit > 0 && streams.size() + publishStreams.get() >= limit) {
            out.onError(PubSubErrors.error(Status.RESOURCE_EXHAUSTED.withDescription(
                "Concurrent client limit of " + limit + " exceeded"), PubSubErrors.CLIENT_LIMIT_EXCEEDED));
            return ignoring();
        }
        publishStreams.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable release = () -> {
            if (open.compareAndSet(true, false)) {
                publishStreams.decrementAndGet();
            }
        };
        out.setOnCancelHandler(release);
        return new StreamObserver<>() {
            @Override
            public void onNext(PublishRequest request) {
                PublishResponse response = publish(request);
                synchronized (out) {
                    out.onNext(response);
                }
            }

            @Override
            public void onError(Throwable t) {
                release.run();
            }

            @Override
            public void onCompleted() {
                release.run();
                synchronized (out) {
                    out.onCompleted();
                }
            }
        };
    }

    private PublishResponse publish(PublishRequest request) {
        String topic = request.getTopicName();
        PublishResponse.Builder response = PublishResponse.newBuilder().setRpcId(UUID.randomUUID().toString());
        boolean publishable = Channels.kind(topic) == Channels.Kind.PLATFORM_EVENT && emulator.channelExists(topic);
        if (publishable) {
            response.setSchemaId(eventTypes.schemaIdFor(topic, Map.of()));
        }
        for (ProducerEvent event : request.getEventsList()) {
            PublishResult.Builder result = PublishResult.newBuilder().setCorrelationKey(event.getId());
            Schema schema = eventTypes.schema(event.getSchemaId());
            if (!publishable) {
                result.setError(publishError("Topic " + topic + " does not accept published events"));
            } else if (schema == null || !topic.equals(eventTypes.channelOf(event.getSchemaId()))) {
                result.setError(publishError("Unknown schema id " + event.getSchemaId() + " for " + topic));
            } else {
                try {
                    Map<String, Object> fields = EventTypes.decode(schema, event.getPayload().toByteArray());
                    fields.put("EventUuid", eventUuid(event.getId()));
                    long position = emulator.publish(topic, fields);
                    result.setReplayId(PubSubReplayIds.encode(topic, position));
                } catch (IOException | RuntimeException e) {
                    result.setError(publishError("The payload cannot be read with schema " + event.getSchemaId()
                        + ": " + e.getMessage()));
                }
            }
            response.addResults(result);
        }
        return response.build();
    }

    /** The EventUuid of a published event: the client's id when it is a UUID, else a new one. */
    private static String eventUuid(String clientId) {
        try {
            return UUID.fromString(clientId).toString();
        } catch (IllegalArgumentException e) {
            return UUID.randomUUID().toString();
        }
    }

    private static Error publishError(String msg) {
        return Error.newBuilder().setCode(ErrorCode.PUBLISH).setMsg(msg).build();
    }

    // ------------------------------------------------------------------ events

    /** One stored event as the Pub/Sub API delivers it (cached: every stream shares the encoded form). */
    ConsumerEvent consumerEvent(String channel, EventLog.Entry entry) {
        String key = channel + '\n' + entry.replayId();
        ConsumerEvent cached = eventCache.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode data;
        try {
            data = mapper.readTree(entry.dataJson());
        } catch (IOException e) {
            throw new IllegalStateException("Stored event is not JSON", e);
        }
        String schemaId = data.path("schema").asText(null);
        if (eventTypes.schema(schemaId) == null) {
            // reloaded from a data directory by another JVM: the event type learns the event's fields again
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = mapper.convertValue(data.path("payload"), Map.class);
            schemaId = eventTypes.schemaIdFor(channel, fields == null ? Map.of() : fields);
        }
        Schema schema = eventTypes.schema(schemaId);
        String uuid = data.path("event").path("EventUuid").asText(null);
        if (uuid == null) {
            uuid = UUID.nameUUIDFromBytes((channel + '/' + entry.replayId()).getBytes(StandardCharsets.UTF_8))
                .toString();
        }
        ConsumerEvent event = ConsumerEvent.newBuilder()
            .setEvent(ProducerEvent.newBuilder().setId(uuid).setSchemaId(schemaId)
                .setPayload(ByteString.copyFrom(EventTypes.encode(schema, data))))
            .setReplayId(PubSubReplayIds.encode(channel, entry.replayId()))
            .build();
        eventCache.put(key, event);
        return event;
    }

    // ------------------------------------------------------------------ streams, timers, counters

    /** Events were published on {@code channel}. */
    void published(String channel) {
        for (FetchStream s : streams.values()) {
            if (channel.equals(s.channel())) {
                s.published();
            }
        }
    }

    /** Tokens were expired or revoked: streams opened with one that is no longer valid end with the auth error. */
    void tokensChanged() {
        for (FetchStream s : streams.values()) {
            if (!emulator.tokens().isValid(s.token())) {
                s.end(Status.UNAUTHENTICATED.withDescription("The access token is invalid or expired"),
                    PubSubErrors.AUTH_ERROR);
            }
        }
    }

    /** Every open stream ends with UNAVAILABLE, as when Salesforce resets HTTP/2 streams. */
    void resetStreams() {
        endAll(Status.UNAVAILABLE.withDescription("RST_STREAM closed stream"));
    }

    void endAll(Status status) {
        for (FetchStream s : streams.values()) {
            s.end(status, null);
        }
    }

    /** The server stopped: forget every stream. */
    void closeAll() {
        for (FetchStream s : streams.values()) {
            s.closed();
        }
        publishStreams.set(0);
    }

    void removed(FetchStream stream) {
        streams.remove(stream.id());
        Managed m = stream.subscription();
        if (m != null) {
            m.release(stream);
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Pub/Sub task failed due to: {}", e.getMessage(), e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    void outstanding(int pending) {
        maxOutstanding.accumulateAndGet(pending, Math::max);
    }

    void delivered(int n) {
        delivered.addAndGet(n);
    }

    Faults faults() {
        return emulator.faults();
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    int maxEventsPerResponse() {
        return maxEventsPerResponse;
    }

    PubSubStats stats() {
        List<PubSubStats.Stream> list = new ArrayList<>();
        for (FetchStream s : streams.values()) {
            list.add(s.stats());
        }
        list.sort(java.util.Comparator.comparingLong(PubSubStats.Stream::id));
        return new PubSubStats(calls.get(), list.size(), delivered.get(), maxOutstanding.get(), List.copyOf(list));
    }
}
