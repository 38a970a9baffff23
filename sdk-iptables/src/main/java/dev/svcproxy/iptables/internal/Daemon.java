// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Work on a daemon thread of its own: the common pool has one thread on two cores, and a tool's I/O must not wait. */
public final class Daemon {

    private Daemon() {
    }

    /** {@code work}'s result, computed on a new daemon thread named {@code name}; its exception completes the future. */
    public static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
        return supply(name, new CompletableFuture<>(), work);
    }

    /**
     * As {@link #supply(String, Supplier)}, into {@code f}, a future the caller made before it knew when the work
     * could start; returns {@code f}.
     */
    public static <T> CompletableFuture<T> supply(String name, CompletableFuture<T> f, Supplier<T> work) {
        Thread t = new Thread(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }
}
