package io.sfstream.camel;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the events of one channel to the route, one exchange per event, in the order Salesforce sent them. The Bayeux
 * session offers events from its own thread; a dispatcher thread of this consumer runs the route, so a slow route
 * never stalls the session or the other channels it carries.
 */
public class SfStreamConsumer extends DefaultConsumer implements SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SfStreamConsumer.class);

    private record PendingEvent(JsonNode message, long replayId) {
    }

    /** Put on the queue by doStop so the dispatcher ends after the exchange it is running. */
    private static final PendingEvent STOP = new PendingEvent(null, 0);

    private final SfStreamEndpoint endpoint;
    private final Channel channel;
    private final int maxPendingCount;
    private final BlockingQueue<PendingEvent> queue = new LinkedBlockingQueue<>();
    /** Events taken from the session and not yet completed by the route: queued plus in flight. */
    private final AtomicInteger pending = new AtomicInteger();
    private EventMapper mapper;
    private ExecutorService dispatcher;
    // volatile: set by the session thread when it pauses this channel, cleared by the thread completing exchanges
    private volatile boolean full;
    // volatile: the session reference is read by exchange-completion threads to resume the channel
    private volatile BayeuxSession session;

    public SfStreamConsumer(SfStreamEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.channel = endpoint.channel();
        this.maxPendingCount = endpoint.getConfiguration().getMaxPendingCount();
    }

    @Override
    public SfStreamEndpoint getEndpoint() {
        return endpoint;
    }

    /** Events fetched from Salesforce and not yet processed by the route. */
    public int getPendingCount() {
        return pending.get();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        mapper = endpoint.eventMapper();
        queue.clear();
        pending.set(0);
        full = false;
        dispatcher = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "SfStreamConsumer[" + channel + "]");
        dispatcher.execute(this::dispatch);
        session = endpoint.getComponent().sessions().subscribe(endpoint, this);
    }

    @Override
    protected void doStop() throws Exception {
        BayeuxSession current = session;
        session = null;
        if (current != null) {
            endpoint.getComponent().sessions().unsubscribe(current, this);
        }
        // events queued but not started are dropped here: they were never completed, so they come again on the next
        // start from wherever the subscription resumes
        queue.clear();
        queue.add(STOP);
        if (dispatcher != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(dispatcher);
            dispatcher = null;
        }
        super.doStop();
    }

    // ------------------------------------------------------------------ SessionListener, session thread

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public long initialReplayId() {
        return endpoint.initialReplayId();
    }

    @Override
    public boolean offer(JsonNode message, long replayId) {
        if (pending.get() >= maxPendingCount) {
            full = true;
            // the route may have drained between the check and the flag: never wait for a completion that happened
            BayeuxSession current = session;
            if (pending.get() <= maxPendingCount / 2 && current != null) {
                full = false;
                current.resume(this);
            }
            return false;
        }
        pending.incrementAndGet();
        queue.add(new PendingEvent(message, replayId));
        return true;
    }

    @Override
    public void onSubscribed(long replayId) {
        LOG.debug("{} subscribed after replayId {}", channel, replayId);
    }

    @Override
    public void onError(SfStreamException error, boolean channelFailed) {
        getExceptionHandler().handleException(error.getMessage(), error);
    }

    // ------------------------------------------------------------------ dispatcher thread

    private void dispatch() {
        while (true) {
            PendingEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event == STOP) {
                return;
            }
            process(event);
        }
    }

    private void process(PendingEvent event) {
        Exchange exchange = createExchange(false);
        try {
            mapper.map(event.message(), event.replayId(), exchange.getMessage());
        } catch (RuntimeException e) {
            getExceptionHandler().handleException("Cannot hand event " + event.replayId() + " of " + channel + " to the route",
                    exchange, e);
            releaseExchange(exchange, false);
            completed();
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            try {
                if (exchange.getException() != null) {
                    getExceptionHandler().handleException(
                            "Error processing event " + event.replayId() + " of " + channel, exchange, exchange.getException());
                }
            } finally {
                releaseExchange(exchange, false);
                completed();
            }
        });
    }

    /** An exchange is done: once half the bound is free again, the session may resume a paused channel. */
    private void completed() {
        int now = pending.decrementAndGet();
        BayeuxSession current = session;
        if (full && now <= maxPendingCount / 2 && current != null) {
            full = false;
            current.resume(this);
        }
    }
}
