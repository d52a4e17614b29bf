package io.sfstream.bench.child;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.client.ClientSession;
import org.cometd.client.BayeuxClient;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.cometd.client.transport.ClientTransport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * Variant (b): the CometD 9 Java client on Jetty's HttpClient, configured as little as a Salesforce consumer needs:
 * the bearer token on every request and the replay extension. The channel listener hands each event's replayId to
 * the probe on CometD's own thread; nothing else.
 */
final class CometdConsumer implements ChildMain.VariantConsumer {

    private final ChildMain.Settings settings;
    private final Probe probe;
    private HttpClient jetty;

    CometdConsumer(ChildMain.Settings settings, Probe probe) {
        this.settings = settings;
        this.probe = probe;
    }

    @Override
    public void prepare() throws Exception {
        jetty = new HttpClient();
        jetty.start();
    }

    @Override
    public void start() throws Exception {
        java.net.http.HttpClient loginClient = java.net.http.HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
        Login.Token token = Login.login(loginClient, new ObjectMapper(), settings.baseUrl());
        Map<String, Object> options = new HashMap<>();
        // a connect response carries up to 1000 events of ~500 bytes: above the client's default 1 MB limit is safe
        options.put(ClientTransport.MAX_MESSAGE_SIZE_OPTION, 16 * 1024 * 1024);
        JettyHttpClientTransport transport = new JettyHttpClientTransport(options, jetty) {
            @Override
            protected void customize(Request request) {
                super.customize(request);
                request.headers(headers -> headers.put("Authorization", "Bearer " + token.accessToken()));
            }
        };
        BayeuxClient client = new BayeuxClient(token.instanceUrl() + "/cometd/62.0", transport);
        client.addExtension(new ReplayExtension(settings.channel(), settings.replayFrom()));
        client.handshake(reply -> {
            if (!reply.isSuccessful()) {
                System.err.println("CometD handshake failed: " + reply);
                Runtime.getRuntime().halt(3);
            }
            client.getChannel(settings.channel()).subscribe((channel, message) -> {
                Map<String, Object> data = message.getDataAsMap();
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) data.get("event");
                long created = probe.wantsCreatedDate() ? Timestamps.epochMillis(event.get("createdDate")) : 0;
                probe.event(((Number) event.get("replayId")).longValue(), created);
            }, subscribed -> {
                if (!subscribed.isSuccessful()) {
                    System.err.println("CometD subscribe failed: " + subscribed);
                    Runtime.getRuntime().halt(3);
                }
            });
        });
    }

    /** Salesforce's replay extension: asks for it at handshake and names the starting replayId at subscribe. */
    private static final class ReplayExtension implements ClientSession.Extension {
        private final String channel;
        private final long replayFrom;

        ReplayExtension(String channel, long replayFrom) {
            this.channel = channel;
            this.replayFrom = replayFrom;
        }

        @Override
        public boolean sendMeta(ClientSession session, Message.Mutable message) {
            if (Channel.META_HANDSHAKE.equals(message.getChannel())) {
                message.getExt(true).put("replay", Boolean.TRUE);
            } else if (Channel.META_SUBSCRIBE.equals(message.getChannel())) {
                message.getExt(true).put("replay", Map.of(channel, replayFrom));
            }
            return true;
        }
    }
}
