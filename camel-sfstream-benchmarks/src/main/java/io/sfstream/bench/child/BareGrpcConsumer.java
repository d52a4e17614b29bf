package io.sfstream.bench.child;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sfstream.emulator.pubsub.proto.ConsumerEvent;
import io.sfstream.emulator.pubsub.proto.FetchRequest;
import io.sfstream.emulator.pubsub.proto.FetchResponse;
import io.sfstream.emulator.pubsub.proto.PubSubGrpc;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.SchemaRequest;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Variant (i): the least a Pub/Sub API consumer can do with grpc-java and Avro: log in (JDK HttpClient + Jackson, as
 * (a)), open one Subscribe stream over TLS with EARLIEST and {@code num_requested} 100, and for each response decode
 * every event's payload with the writer schema (fetched once per schema id with GetSchema), hand its replay id to the
 * probe, and ask for as many events as the response brought. No reconnect, no marker, no exchange: the practical limit
 * of the wire and the emulator. The stub is the one generated in the emulator's jar from
 * {@code camel-sfstream-emulator/src/main/proto/salesforce_pubsub.proto} (a second copy generated here would collide
 * with it on the classpath).
 */
final class BareGrpcConsumer implements ChildMain.VariantConsumer {

    private static final int BATCH = 100;

    private final ChildMain.Settings settings;
    private final Probe probe;
    private final ObjectMapper json = new ObjectMapper();
    private HttpClient http;
    private ManagedChannel channel;
    private PubSubGrpc.PubSubBlockingStub schemas;
    private final Map<String, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;
    private GenericRecord record;

    BareGrpcConsumer(ChildMain.Settings settings, Probe probe) {
        this.settings = settings;
        this.probe = probe;
    }

    @Override
    public void prepare() throws IOException {
        http = HttpClient.newHttpClient();
        // TLS with the JVM's default trust (the orchestrator's trust store holds the emulator's certificate)
        channel = NettyChannelBuilder.forAddress(ChildMain.Settings.PUBSUB_HOST, settings.pubSubPort())
            .sslContext(GrpcSslContexts.forClient().build()).build();
    }

    @Override
    public void start() throws Exception {
        Login.Token token = Login.login(http, json, settings.baseUrl());
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER), token.accessToken());
        headers.put(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER), token.instanceUrl());
        headers.put(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER), token.orgId());
        schemas = PubSubGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        PubSubGrpc.PubSubStub stub = PubSubGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        Requests requests = new Requests();
        requests.out = stub.subscribe(new StreamObserver<>() {
            @Override
            public void onNext(FetchResponse response) {
                for (ConsumerEvent event : response.getEventsList()) {
                    decode(event);
                    probe.opaqueEvent(event.getReplayId(), 0);
                }
                if (response.getEventsCount() > 0) {
                    requests.more(response.getEventsCount());
                }
            }

            @Override
            public void onError(Throwable t) {
                t.printStackTrace();
                Runtime.getRuntime().halt(3);
            }

            @Override
            public void onCompleted() {
                System.err.println("the server ended the stream");
                Runtime.getRuntime().halt(3);
            }
        });
        ReplayPreset preset = settings.replayFrom() == -2 ? ReplayPreset.EARLIEST : ReplayPreset.LATEST;
        requests.out.onNext(FetchRequest.newBuilder().setTopicName(settings.channel()).setReplayPreset(preset)
            .setNumRequested(BATCH).build());
    }

    /** The request side of the stream; gRPC's StreamObserver is not thread-safe, so one writer at a time. */
    private final class Requests {
        StreamObserver<FetchRequest> out;

        synchronized void more(int count) {
            out.onNext(FetchRequest.newBuilder().setTopicName(settings.channel()).setNumRequested(count).build());
        }
    }

    /** Decodes the payload with its writer schema, as every consumer must before it can read a field. */
    private void decode(ConsumerEvent event) {
        String schemaId = event.getEvent().getSchemaId();
        GenericDatumReader<GenericRecord> reader = readers.get(schemaId);
        if (reader == null) {
            Schema schema = new Schema.Parser().parse(schemas.withDeadlineAfter(30, TimeUnit.SECONDS)
                .getSchema(SchemaRequest.newBuilder().setSchemaId(schemaId).build()).getSchemaJson());
            reader = new GenericDatumReader<>(schema);
            readers.put(schemaId, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(event.getEvent().getPayload().newInput(), decoder);
        try {
            record = reader.read(record, decoder);
        } catch (IOException e) {
            throw new IllegalStateException("payload of " + event.getEvent().getId() + " does not decode", e);
        }
    }
}
