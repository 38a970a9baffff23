// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** kube-proxy's sync runner as iptables mode configures it: min 1 s, retry 30 s (syncPeriod), max 1 h. */
class BoundedFrequencyRunnerTest {
    static final long S = 1_000_000_000L;
    final BoundedFrequencyRunner runner = new BoundedFrequencyRunner(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofHours(1), () -> 0L);

    @Test
    void firstRunIsImmediateThenRequestsWaitMinIntervalAfterCompletion() {
        assertTrue(runner.due(0), "the first run is due at once");
        runner.started();
        runner.completed(5 * S, true); // a run that took 5 s
        assertEquals(3600 * S, runner.waitNanos(5 * S), "nothing requested: the next run is maxInterval after completion");
        runner.request();
        assertFalse(runner.due(5 * S + S / 2), "a burst of requests within minInterval of the completion waits");
        assertEquals(S / 2, runner.waitNanos(5 * S + S / 2));
        assertTrue(runner.due(6 * S), "minInterval after the completion, not after the start");
    }

    @Test
    void aFailedRunIsRetriedWithinRetryIntervalEvenWithoutRequests() {
        runner.started();
        runner.completed(10 * S, false);
        assertEquals(30 * S, runner.waitNanos(10 * S));
        assertTrue(runner.due(40 * S));
        runner.request();
        assertTrue(runner.due(11 * S), "a request after a failure still runs after minInterval");
        runner.started();
        runner.completed(11 * S, true);
        assertEquals(3600 * S, runner.waitNanos(11 * S), "a success cancels the retry");
    }

    @Test
    void maxIntervalRunsEvenWithoutRequests() {
        runner.started();
        runner.completed(0, true);
        assertFalse(runner.due(3599 * S));
        assertTrue(runner.due(3600 * S));
    }

    @Test
    void loopRetriesFailuresAndStops() throws InterruptedException {
        BoundedFrequencyRunner real = new BoundedFrequencyRunner(Duration.ZERO, Duration.ofMillis(10), Duration.ofHours(1));
        AtomicInteger runs = new AtomicInteger();
        Thread t = new Thread(() -> {
            try {
                real.loop(() -> runs.incrementAndGet() < 0, () -> runs.get() >= 5, 5); // every run fails
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        t.join(5_000);
        assertFalse(t.isAlive(), "the loop ended when stop said so");
        assertEquals(5, runs.get(), "each failure was retried after retryInterval without a request");
    }

    @Test
    void refusesMaxBelowMin() {
        assertThrows(IllegalArgumentException.class,
                () -> new BoundedFrequencyRunner(Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(1)));
    }
}
