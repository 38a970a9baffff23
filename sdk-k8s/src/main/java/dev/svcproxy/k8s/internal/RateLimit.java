// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.function.LongSupplier;

/**
 * client-go's client-side rate limit ({@code clientConnection.qps} and {@code burst}): a token bucket of {@code burst}
 * tokens refilled at {@code qps} a second; a request takes a token, waiting for one if the bucket is empty. fabric8
 * has no such limit of its own, so this interceptor gives it one.
 */
public final class RateLimit implements Interceptor {
    private final double qps;
    private final double burst;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    public RateLimit(double qps, int burst, LongSupplier nanoClock) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("qps > 0 and burst >= 1 needed, got " + qps + " and " + burst);
        }
        this.qps = qps;
        this.burst = burst;
        this.clock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /** Takes a token: 0 if one was there, else how long (ns) the caller must wait for the one it reserved. */
    public synchronized long reserve() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        long wait = reserve();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
