package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose tasks run only when the test says so ({@link #runDue()}), so lease tests drive time with a clock
 * of their own instead of waiting.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final List<Task> tasks = new ArrayList<>();

    /** Runs every task that is not cancelled once (periodic ones stay scheduled). */
    public void runDue() {
        List<Task> snapshot;
        synchronized (tasks) {
            tasks.removeIf(t -> t.cancelled);
            snapshot = List.copyOf(tasks);
        }
        for (Task task : snapshot) {
            if (!task.cancelled) {
                task.command.run();
                if (!task.periodic) {
                    task.cancelled = true;
                }
            }
        }
    }

    public int scheduled() {
        synchronized (tasks) {
            return (int) tasks.stream().filter(t -> !t.cancelled).count();
        }
    }

    private ScheduledFuture<?> add(Runnable command, boolean periodic) {
        Task task = new Task(command, periodic);
        synchronized (tasks) {
            tasks.add(task);
        }
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, false);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, true);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, true);
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private static final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final boolean periodic;
        volatile boolean cancelled;

        Task(Runnable command, boolean periodic) {
            this.command = command;
            this.periodic = periodic;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
