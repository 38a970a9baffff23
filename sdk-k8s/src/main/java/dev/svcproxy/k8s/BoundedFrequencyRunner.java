// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * kube-proxy's sync runner ({@code pkg/proxy/runner/bounded_frequency_runner.go}): a function run on request, but
 * never sooner than {@code minInterval} after the previous run <em>completed</em>, at least every
 * {@code maxInterval}, and again within {@code retryInterval} after a run that failed.
 * <p>{@link #request()} may be called from any thread; {@link #loop} runs the function on the calling thread.
 * The decisions ({@link #due}, {@link #waitNanos}) are pure functions of the clock, so they can be tested without
 * sleeping.
 */
public final class BoundedFrequencyRunner {
    private final long minNanos;
    private final long retryNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private final Object lock = new Object();
    private boolean requested = true; // the first run happens at once
    private long lastCompleted;
    private boolean ran;
    private long retryAt = Long.MAX_VALUE;
    private boolean retryPending;

    /**
     * A runner on {@link System#nanoTime()}.
     *
     * @param minInterval the least time between two runs (kube-proxy's {@code minSyncPeriod})
     * @param retryInterval the wait before a failed run is retried
     * @param maxInterval the longest time between two runs (kube-proxy's {@code syncPeriod})
     */
    public BoundedFrequencyRunner(Duration minInterval, Duration retryInterval, Duration maxInterval) {
        this(minInterval, retryInterval, maxInterval, System::nanoTime);
    }

    /**
     * A runner on the given clock (nanoseconds, monotonic).
     *
     * @param minInterval the least time between two runs (kube-proxy's {@code minSyncPeriod})
     * @param retryInterval the wait before a failed run is retried
     * @param maxInterval the longest time between two runs (kube-proxy's {@code syncPeriod})
     * @param clock the time source in nanoseconds (a fake in tests)
     */
    public BoundedFrequencyRunner(Duration minInterval, Duration retryInterval, Duration maxInterval, LongSupplier clock) {
        if (minInterval.isNegative() || retryInterval.isNegative() || maxInterval.compareTo(minInterval) < 0) {
            throw new IllegalArgumentException("need 0 <= minInterval <= maxInterval and retryInterval >= 0, got "
                    + minInterval + ", " + retryInterval + ", " + maxInterval);
        }
        this.minNanos = minInterval.toNanos();
        this.retryNanos = retryInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
        this.clock = Objects.requireNonNull(clock);
    }

    /** Asks for a run: it happens as soon as {@code minInterval} since the last completion allows. */
    public void request() {
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
    }

    /** Wakes {@link #loop} now, so that it checks its stop condition (where the proxy asks its source) at once. */
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * True if a run should start at {@code now}.
     *
     * @param now the clock's current value
     * @return true if a run should start at {@code now}
     */
    public boolean due(long now) {
        synchronized (lock) {
            return waitNanosLocked(now) == 0;
        }
    }

    /**
     * How long from {@code now} until the next run is due if nothing else is requested (0 = now).
     *
     * @param now the clock's current value
     * @return how long from {@code now} until the next run is due if nothing else is requested (0 = now)
     */
    public long waitNanos(long now) {
        synchronized (lock) {
            return waitNanosLocked(now);
        }
    }

    private long waitNanosLocked(long now) {
        if (!ran) {
            return 0;
        }
        long earliest = lastCompleted + minNanos;
        long next = lastCompleted + maxNanos;
        if (requested) {
            next = earliest;
        }
        if (retryPending) {
            next = Math.min(next, Math.max(earliest, retryAt));
        }
        return Math.max(0, next - now);
    }

    /** Records that a run starts: requests made from now on ask for another run after it. */
    public void started() {
        synchronized (lock) {
            requested = false;
        }
    }

    /**
     * Records a completed run at {@code now}; a failed one schedules a retry within {@code retryInterval}.
     *
     * @param now the clock's current value
     * @param ok whether the run succeeded
     */
    public void completed(long now, boolean ok) {
        synchronized (lock) {
            ran = true;
            lastCompleted = now;
            retryPending = !ok;
            retryAt = ok ? Long.MAX_VALUE : now + retryNanos;
        }
    }

    /**
     * Runs {@code fn} whenever it is due until {@code stop} says so (checked at least every {@code pollMillis}).
     * {@code fn} returns false (or throws) for a failed run.
     *
     * @param fn the run; false or an exception for a failure
     * @param stop true to end the loop
     * @param pollMillis the longest wait between checks, in milliseconds
     * @throws InterruptedException if the thread is interrupted
     */
    public void loop(BooleanSupplier fn, BooleanSupplier stop, long pollMillis) throws InterruptedException {
        while (!stop.getAsBoolean()) {
            long wait;
            synchronized (lock) {
                wait = waitNanosLocked(clock.getAsLong());
                if (wait > 0) {
                    lock.wait(Math.max(1, Math.min(pollMillis, (wait + 999_999) / 1_000_000)));
                    continue;
                }
            }
            started();
            boolean ok = false;
            try {
                ok = fn.getAsBoolean();
            } finally {
                completed(clock.getAsLong(), ok);
            }
        }
    }
}
