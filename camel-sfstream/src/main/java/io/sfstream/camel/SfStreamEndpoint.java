package io.sfstream.camel;

import io.sfstream.camel.internal.delivery.EventMapper;
import io.sfstream.camel.internal.login.LoginFlow;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.SharedMappers;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.replay.SubscriptionLease;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Consumes the events of one Salesforce streaming channel: PushTopic, generic, platform event or Change Data Capture.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "sfstream", title = "Salesforce Streaming", syntax = "sfstream:channel",
             consumerOnly = true, category = { Category.CLOUD, Category.SAAS }, headersClass = SfStreamConstants.class)
public class SfStreamEndpoint extends DefaultEndpoint {

    @UriPath(description = "The channel exactly as Salesforce names it: /topic/Name (a PushTopic; see the filter"
                           + " option for a filter query), /u/Name (generic streaming),"
                           + " /event/Name__e or /event/Name__chn (platform events), /data/ChangeEvents or"
                           + " /data/NameChangeEvent (Change Data Capture).")
    @Metadata(required = true)
    private String channel;
    @UriParam(description = "A PushTopic filter query, e.g. Name='Acme' (use RAW(...) for values with spaces or"
                            + " special characters): the endpoint subscribes /topic/Name?Name='Acme', and its replay"
                            + " marker stays keyed by the bare channel /topic/Name. Only for /topic channels.")
    private String filter;
    @UriParam
    private SfStreamConfiguration configuration;

    private Channel parsedChannel;

    public SfStreamEndpoint(String uri, SfStreamComponent component, Channel channel,
                            SfStreamConfiguration configuration) {
        super(uri, component);
        this.parsedChannel = channel;
        this.channel = channel.subscription();
        this.configuration = configuration;
    }

    @Override
    public SfStreamComponent getComponent() {
        return (SfStreamComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(
                "sfstream endpoints only consume events; publish platform events with Salesforce's REST API instead");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SfStreamConsumer consumer = new SfStreamConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** Checks the options together, so that a route fails at startup with a message naming what is wrong. */
    void validate() {
        parsedChannel = parsedChannel.withFilter(filter);
        channel = parsedChannel.subscription();
        LoginFlow flow = SalesforceLogin.validate(configuration, getCamelContext());
        initialStart();
        validateApi(flow);
        if (configuration.getMaxPendingCount() < 1) {
            throw new IllegalArgumentException(
                    "Invalid maxPendingCount " + configuration.getMaxPendingCount() + ": it must be at least 1");
        }
        if (configuration.getApiVersion() == null || !configuration.getApiVersion().matches("\\d{2,3}\\.0")) {
            throw new IllegalArgumentException("Invalid apiVersion '" + configuration.getApiVersion()
                                               + "': expected a Salesforce API version such as "
                                               + SfStreamConfiguration.DEFAULT_API_VERSION);
        }
        EventMapper.checkOptions(configuration.getBodyType(), configuration.getUnmarshalType(), configuration.getApi());
        if (configuration.getMaxBatchSize() < 1) {
            throw new IllegalArgumentException(
                    "Invalid maxBatchSize " + configuration.getMaxBatchSize() + ": it must be at least 1");
        }
        if (configuration.getReplayCommitInterval() == null || configuration.getReplayCommitInterval().isNegative()
                || configuration.getReplayCommitInterval().isZero()) {
            throw new IllegalArgumentException("Invalid replayCommitInterval: it must be a positive duration");
        }
        if (configuration.getStrategy() == WorkerStrategy.CONCURRENT) {
            throw new IllegalArgumentException("strategy=CONCURRENT is not supported: Salesforce delivers every event of"
                                               + " a channel to every subscriber and the subscription has one replay"
                                               + " position, so concurrent workers would each read the whole stream. Use"
                                               + " WAIT_FOR_FREE for a hot standby, or scale inside the route (threads())");
        }
        if (configuration.getStrategy() == null) {
            throw new IllegalArgumentException("Invalid strategy: expected OPEN_IF_FREE, WAIT_FOR_FREE or TAKE_OVER");
        }
        if (configuration.getWorkerId() != null && !SubscriptionLease.WORKER_ID.matcher(configuration.getWorkerId()).matches()) {
            throw new IllegalArgumentException("Invalid workerId '" + configuration.getWorkerId()
                                               + "': use 1 to 100 letters, digits or . _ : @ -");
        }
        if (configuration.getLeaseDuration() == null || configuration.getLeaseDuration().toMillis() < 300) {
            throw new IllegalArgumentException("Invalid leaseDuration " + configuration.getLeaseDuration()
                                               + ": it must be at least 300ms");
        }
    }

    /** This endpoint's worker id: the configured one, else this JVM's default ({@link DefaultWorkerId}). */
    String workerId() {
        String configured = configuration.getWorkerId();
        return configured != null ? configured : DefaultWorkerId.ID;
    }

    /**
     * The default worker id, made up once per JVM (at its first use, by the class loader's lazy initialization): every
     * endpoint and CamelContext of the process is the same worker, so leases, health details and JMX name one id.
     */
    static final class DefaultWorkerId {
        static final String ID = generateWorkerId();

        private DefaultWorkerId() {
        }
    }

    private static String generateWorkerId() {
        String host = hostName();
        host = host.replaceAll("[^A-Za-z0-9.-]", "");
        if (host.isEmpty() || host.length() > 60) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
               + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    /**
     * The machine's name, for people reading worker ids, without a name service lookup where the system tells it:
     * InetAddress.getLocalHost() also resolves the name to addresses, about 6 ms on a cold JVM with the name in the
     * hosts file, and seconds where the name is in neither DNS nor the hosts file.
     */
    static String hostName() {
        for (String variable : new String[] { "HOSTNAME", "COMPUTERNAME" }) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        Path linux = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(linux)) {
                String value = Files.readString(linux).strip();
                if (!value.isEmpty()) {
                    return value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the name service below
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "host";
        }
    }

    /** The Maven coordinates of the Pub/Sub API transport, named when it is missing from the classpath. */
    static final String PUBSUB_ARTIFACT = "io.sfstream:camel-sfstream-pubsub";

    private void validateApi(LoginFlow flow) {
        if (configuration.getApi() == null) {
            throw new IllegalArgumentException("Invalid api: expected STREAMING or PUBSUB");
        }
        if (configuration.getApi() != SfStreamApi.PUBSUB) {
            return;
        }
        ChannelKind kind = parsedChannel.kind();
        if (kind == ChannelKind.PUSH_TOPIC || kind == ChannelKind.GENERIC) {
            throw new IllegalArgumentException("api=PUBSUB cannot consume " + parsedChannel.name() + ": the Pub/Sub API"
                                               + " carries platform events (/event/) and change events (/data/) only;"
                                               + " PushTopic (/topic/) and generic (/u/) channels exist only on the"
                                               + " Streaming API (api=STREAMING)");
        }
        if (configuration.getPubSubHost() == null || configuration.getPubSubHost().isBlank()) {
            throw new IllegalArgumentException("Invalid pubSubHost: a host name is needed with api=PUBSUB");
        }
        if (configuration.getPubSubPort() < 1 || configuration.getPubSubPort() > 65535) {
            throw new IllegalArgumentException("Invalid pubSubPort " + configuration.getPubSubPort()
                                               + ": expected 1 to 65535");
        }
        if (configuration.getPubSubKeepAliveTime() == null || configuration.getPubSubKeepAliveTime().toMillis() < 1000) {
            throw new IllegalArgumentException("Invalid pubSubKeepAliveTime: it must be at least 1s");
        }
        if ((flow == LoginFlow.ACCESS_TOKEN || flow == LoginFlow.TOKEN_SUPPLIER)
                && (configuration.getOrgId() == null || configuration.getOrgId().isBlank())) {
            throw new IllegalArgumentException("api=PUBSUB with the " + flow.displayName() + " flow needs the orgId option: the"
                                               + " Pub/Sub API's tenantid header, which that flow cannot learn");
        }
        getComponent().plugins().check(SfStreamApi.PUBSUB.name(), PUBSUB_ARTIFACT);
    }

    /** Where a subscription starts when no event of it was taken yet and no marker is stored. */
    StartAt initialStart() {
        long replayId;
        try {
            replayId = initialReplayId();
        } catch (IllegalArgumentException e) {
            if (configuration.getApi() == SfStreamApi.PUBSUB) {
                throw new IllegalArgumentException("Invalid replay '" + configuration.getReplay()
                                                   + "': expected NEW_EVENTS or ALL_EVENTS (api=PUBSUB: a Pub/Sub"
                                                   + " replay id is opaque; start after one with a stored marker)");
            }
            throw e;
        }
        if (replayId == -1) {
            return StartAt.NEW;
        }
        if (replayId == -2) {
            return StartAt.ALL;
        }
        if (configuration.getApi() == SfStreamApi.PUBSUB) {
            throw new IllegalArgumentException("Invalid replay '" + configuration.getReplay()
                                               + "': a numeric replayId belongs to the Streaming API; with api=PUBSUB"
                                               + " use NEW_EVENTS or ALL_EVENTS (a Pub/Sub replay id is opaque: start"
                                               + " after one with a stored marker)");
        }
        return StartAt.after(Long.toString(replayId));
    }

    /** The replayId a subscription starts from when no event of it was taken yet. */
    long initialReplayId() {
        String replay = configuration.getReplay() == null ? SfStreamConfiguration.NEW_EVENTS : configuration.getReplay().strip();
        if (SfStreamConfiguration.NEW_EVENTS.equalsIgnoreCase(replay)) {
            return -1;
        }
        if (SfStreamConfiguration.ALL_EVENTS.equalsIgnoreCase(replay)) {
            return -2;
        }
        try {
            long replayId = Long.parseLong(replay);
            if (replayId >= -2) {
                return replayId;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid replay '" + replay + "': expected NEW_EVENTS, ALL_EVENTS or a numeric replayId");
    }

    /**
     * The transport this endpoint's settings define: a Bayeux session shared by endpoints of equal settings, or with
     * api=PUBSUB a Pub/Sub stream on a gRPC channel shared by endpoints of equal settings.
     */
    Transport transport() {
        if (configuration.getApi() == SfStreamApi.PUBSUB) {
            return getComponent().plugins().of(SfStreamApi.PUBSUB.name(), PUBSUB_ARTIFACT)
                    .transport(configuration, getCamelContext());
        }
        return getComponent().sessions().transport(configuration, getCamelContext());
    }

    EventMapper eventMapper() {
        return new EventMapper(parsedChannel.kind(), configuration.getBodyType(), configuration.getUnmarshalType(),
                objectMapper());
    }

    ObjectMapper objectMapper() {
        return configuration.getObjectMapper() != null ? configuration.getObjectMapper() : SharedMappers.bodies();
    }

    Channel channel() {
        return parsedChannel;
    }

    /** The key of this endpoint's replay marker: the subscription name, else the bare channel. */
    String markerKey() {
        String name = configuration.getSubscriptionName();
        return name != null && !name.isBlank() ? name.strip() : parsedChannel.name();
    }

    public String getChannel() {
        return channel;
    }

    /** The channel is fixed by the endpoint path; the setter exists for the generated configurer. */
    public void setChannel(String channel) {
        this.channel = channel;
    }

    public String getFilter() {
        return filter;
    }

    public void setFilter(String filter) {
        this.filter = filter;
    }

    public SfStreamConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(SfStreamConfiguration configuration) {
        this.configuration = configuration;
    }
}
