package io.sfstream.camel.internal.login;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body handler that keeps at most {@code limit} bytes: a longer body (by Content-Length or as it streams)
 * cancels the response and fails with {@link TooLarge}, so a huge answer never exhausts the heap.
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    /** The body exceeded maxMessageSize. */
    public static final class TooLarge extends IOException {
        public final long limit;

        TooLarge(long limit) {
            super("the response body exceeds maxMessageSize (" + limit + " bytes)");
            this.limit = limit;
        }
    }

    public static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new Subscriber(limit, declared > limit, declared);
        };
    }

    /** The TooLarge in a cause chain, or null. */
    public static TooLarge tooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TooLarge tl) {
                return tl;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final boolean failAtOnce;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final Buffer out;
        private Flow.Subscription subscription;
        private long count;

        Subscriber(long limit, boolean failAtOnce, long declaredLength) {
            this.limit = limit;
            this.failAtOnce = failAtOnce;
            // sized from Content-Length when it is known and allowed: no regrowth copies of a large event batch
            this.out = new Buffer(declaredLength > 0 && declaredLength <= limit ? (int) declaredLength : 8192);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (failAtOnce) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                count += item.remaining();
                if (count > limit) {
                    subscription.cancel();
                    out.reset();
                    result.completeExceptionally(new TooLarge(limit));
                    return;
                }
                out.write(item);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.bytes());
        }
    }

    /** Collects the body without the per-chunk and final copies of a plain ByteArrayOutputStream when it can. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        void write(ByteBuffer item) {
            int n = item.remaining();
            if (item.hasArray()) {
                write(item.array(), item.arrayOffset() + item.position(), n);
                item.position(item.limit());
            } else {
                ensureRoom(n);
                item.get(buf, count, n);
                count += n;
            }
        }

        private void ensureRoom(int n) {
            if (count + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
            }
        }

        /** The bytes written: the buffer itself when it is exactly full (the Content-Length case), else a copy. */
        byte[] bytes() {
            return count == buf.length ? buf : toByteArray();
        }
    }
}
