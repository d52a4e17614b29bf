package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.login.HttpClients;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.SharedMappers;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.transport.TransportFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The Pub/Sub connections of one component: one gRPC channel (with its login and its thread) per set of session
 * options, as the Streaming API shares a Bayeux session, carrying one Subscribe stream per endpoint. A connection left
 * without streams is closed.
 */
final class PubSubTransports implements TransportFactory.Transports {

    private final AtomicInteger sequence = new AtomicInteger();
    // guarded by this
    private final Map<String, Entry> byKey = new HashMap<>();

    private static final class Entry {
        final PubSubConnection connection;
        final ScheduledExecutorService thread;
        final ExecutorServiceManager executors;
        final EventReader reader = new EventReader();
        int streams;

        Entry(PubSubConnection connection, ScheduledExecutorService thread, ExecutorServiceManager executors) {
            this.connection = connection;
            this.thread = thread;
            this.executors = executors;
        }
    }

    @Override
    public Transport transport(SfStreamConfiguration config, CamelContext context) {
        return subscriber -> {
            Entry entry = acquire(config, context);
            PubSubStream stream = new PubSubStream(entry.connection, subscriber, config, entry.reader, Clock.systemUTC(),
                    () -> ThreadLocalRandom.current().nextDouble(), () -> release(config.sessionKey(), entry));
            stream.open();
            return stream;
        };
    }

    private synchronized Entry acquire(SfStreamConfiguration config, CamelContext context) {
        Entry entry = byKey.computeIfAbsent(config.sessionKey(), key -> connect(config, context));
        entry.streams++;
        return entry;
    }

    private synchronized void release(String key, Entry entry) {
        if (--entry.streams == 0 && byKey.get(key) == entry) {
            byKey.remove(key);
            close(entry);
        }
    }

    @Override
    public synchronized void close() {
        byKey.values().forEach(PubSubTransports::close);
        byKey.clear();
    }

    /** Without waiting: this may run on the connection's own thread, whose queued tasks may still finish. */
    private static void close(Entry entry) {
        entry.connection.close();
        entry.executors.shutdown(entry.thread);
    }

    private Entry connect(SfStreamConfiguration config, CamelContext context) {
        String name = "pubsub-" + sequence.incrementAndGet();
        ExecutorServiceManager executors = context.getExecutorServiceManager();
        ScheduledExecutorService thread = executors.newSingleThreadScheduledExecutor(this, "SfStreamPubSub-" + name);
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(config.getPubSubHost().strip(), config.getPubSubPort())
                .executor(thread)
                .keepAliveTime(config.getPubSubKeepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Math.max(5000, config.getPubSubKeepAliveTime().toMillis()), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .maxInboundMessageSize(config.getMaxMessageSize())
                .withOption(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) config.getHttpConnectTimeout().toMillis());
        if (config.isPubSubPlaintext()) {
            builder.usePlaintext();
        } else {
            builder.sslContext(sslContext(config, context));
        }
        if (config.getProxyHost() != null && !config.getProxyHost().isBlank()) {
            // an HTTP CONNECT proxy; nonProxyHosts does not apply to the single Pub/Sub host
            InetSocketAddress proxy = new InetSocketAddress(config.getProxyHost().strip(), config.getProxyPort());
            builder.proxyDetector(target -> {
                HttpConnectProxiedSocketAddress.Builder via = HttpConnectProxiedSocketAddress.newBuilder()
                        .setTargetAddress((InetSocketAddress) target).setProxyAddress(proxy);
                if (config.getProxyUsername() != null && !config.getProxyUsername().isBlank()) {
                    via.setUsername(config.getProxyUsername()).setPassword(
                            config.getProxyPassword() == null ? "" : config.getProxyPassword());
                }
                return via.build();
            });
        }
        ManagedChannel channel = builder.build();
        SalesforceLogin login = new SalesforceLogin(HttpClients.builder(config, context).build(), SharedMappers.protocol(),
                config, context);
        return new Entry(new PubSubConnection(name, channel, login, config, thread), thread, executors);
    }

    /** TLS for gRPC: the JDK's trust unless sslContextParameters (or the global ones) say otherwise; ALPN h2. */
    private static SslContext sslContext(SfStreamConfiguration config, CamelContext context) {
        SSLContextParameters parameters = HttpClients.sslContextParameters(config, context);
        try {
            if (parameters == null) {
                return GrpcSslContexts.forClient().build();
            }
            SSLContext jdk = parameters.createSSLContext(context);
            ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2);
            return new JdkSslContext(jdk, true, null, IdentityCipherSuiteFilter.INSTANCE, alpn, ClientAuth.NONE, null,
                    false);
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot create the Pub/Sub API's TLS context from sslContextParameters: "
                                               + e.getClass().getSimpleName(), e);
        }
    }
}
