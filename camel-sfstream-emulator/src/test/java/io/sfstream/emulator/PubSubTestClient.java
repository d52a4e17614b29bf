package io.sfstream.emulator;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sfstream.emulator.pubsub.proto.ConsumerEvent;
import io.sfstream.emulator.pubsub.proto.FetchRequest;
import io.sfstream.emulator.pubsub.proto.FetchResponse;
import io.sfstream.emulator.pubsub.proto.ManagedFetchRequest;
import io.sfstream.emulator.pubsub.proto.ManagedFetchResponse;
import io.sfstream.emulator.pubsub.proto.PubSubGrpc;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.SchemaRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/** A raw gRPC client of the emulator's Pub/Sub API: real Netty channel, Salesforce's three auth headers. */
final class PubSubTestClient implements AutoCloseable {

    private final SalesforceEmulator sf;
    private final ManagedChannel channel;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    final String token;

    private PubSubTestClient(SalesforceEmulator sf, ManagedChannel channel, String token) {
        this.sf = sf;
        this.channel = channel;
        this.token = token;
    }

    static PubSubTestClient plaintext(SalesforceEmulator sf) {
        return plaintext(sf, sf.issueAccessToken());
    }

    static PubSubTestClient plaintext(SalesforceEmulator sf, String token) {
        return new PubSubTestClient(sf, NettyChannelBuilder.forAddress("127.0.0.1", sf.pubSubPort()).usePlaintext()
            .build(), token);
    }

    /** Over TLS to {@code localhost}, trusting only the emulator's certificate. */
    static PubSubTestClient tls(SalesforceEmulator sf) throws Exception {
        return new PubSubTestClient(sf, NettyChannelBuilder.forAddress("localhost", sf.pubSubTlsPort())
            .sslContext(GrpcSslContexts.forClient().trustManager(sf.pubSubCertificate()).build()).build(),
            sf.issueAccessToken());
    }

    static Metadata headers(String token, String instanceUrl, String tenantId) {
        Metadata h = new Metadata();
        if (token != null) {
            h.put(PubSubServer.ACCESS_TOKEN, token);
        }
        if (instanceUrl != null) {
            h.put(PubSubServer.INSTANCE_URL, instanceUrl);
        }
        if (tenantId != null) {
            h.put(PubSubServer.TENANT_ID, tenantId);
        }
        return h;
    }

    Metadata headers() {
        return headers(token, sf.baseUrl(), sf.orgId());
    }

    PubSubGrpc.PubSubBlockingStub blocking() {
        return blocking(headers());
    }

    PubSubGrpc.PubSubBlockingStub blocking(Metadata headers) {
        return PubSubGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    PubSubGrpc.PubSubStub async() {
        return async(headers());
    }

    PubSubGrpc.PubSubStub async(Metadata headers) {
        return PubSubGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Opens a Subscribe stream and sends its first request. */
    Subscription subscribe(String topic, ReplayPreset preset, ByteString replayId, int numRequested) {
        return subscribe(headers(), topic, preset, replayId, numRequested);
    }

    Subscription subscribe(Metadata headers, String topic, ReplayPreset preset, ByteString replayId, int numRequested) {
        Subscription s = new Subscription(topic);
        s.requests = async(headers).subscribe(s);
        FetchRequest.Builder first = FetchRequest.newBuilder().setTopicName(topic).setReplayPreset(preset)
            .setNumRequested(numRequested);
        if (replayId != null) {
            first.setReplayId(replayId);
        }
        s.requests.onNext(first.build());
        return s;
    }

    Schema schema(String schemaId) {
        return schemas.computeIfAbsent(schemaId, id -> new Schema.Parser().parse(
            blocking().getSchema(SchemaRequest.newBuilder().setSchemaId(id).build()).getSchemaJson()));
    }

    GenericRecord decode(ConsumerEvent event) throws Exception {
        Schema schema = schema(event.getEvent().getSchemaId());
        return new GenericDatumReader<GenericRecord>(schema).read(null,
            DecoderFactory.get().binaryDecoder(event.getEvent().getPayload().toByteArray(), null));
    }

    static String errorCode(Throwable t) {
        Metadata trailers = Status.trailersFromThrowable(t);
        return trailers == null ? null : trailers.get(PubSubErrors.ERROR_CODE);
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The client side of one Subscribe stream: everything it received, and how it ended. */
    static final class Subscription implements StreamObserver<FetchResponse> {
        final String topic;
        final List<FetchResponse> responses = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent> events = new CopyOnWriteArrayList<>();
        volatile Throwable error;
        volatile boolean completed;
        StreamObserver<FetchRequest> requests;

        Subscription(String topic) {
            this.topic = topic;
        }

        void request(int n) {
            requests.onNext(FetchRequest.newBuilder().setTopicName(topic).setNumRequested(n).build());
        }

        boolean ended() {
            return error != null || completed;
        }

        FetchResponse last() {
            return responses.get(responses.size() - 1);
        }

        @Override
        public void onNext(FetchResponse r) {
            responses.add(r);
            events.addAll(r.getEventsList());
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        void cancel() {
            try {
                requests.onError(Status.CANCELLED.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** The client side of one ManagedSubscribe stream. */
    static final class Managed implements StreamObserver<ManagedFetchResponse> {
        final List<ManagedFetchResponse> responses = new CopyOnWriteArrayList<>();
        final List<ConsumerEvent> events = new CopyOnWriteArrayList<>();
        volatile Throwable error;
        volatile boolean completed;
        StreamObserver<ManagedFetchRequest> requests;

        @Override
        public void onNext(ManagedFetchResponse r) {
            responses.add(r);
            events.addAll(r.getEventsList());
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    Managed managed(String developerName, int numRequested) {
        Managed m = new Managed();
        m.requests = async().managedSubscribe(m);
        m.requests.onNext(ManagedFetchRequest.newBuilder().setDeveloperName(developerName)
            .setNumRequested(numRequested).build());
        return m;
    }
}
