// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.netns;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.netlink.internal.Native;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a task inside a network namespace ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}): a short-lived thread
 * enters it with {@code setns(2)}, runs the task and ends, so the calling thread never changes namespace. What the
 * task opens there (a netlink socket, a file under {@code /proc/sys/net}) belongs to that namespace.
 */
public final class InNamespace {

    private InNamespace() {
    }

    /**
     * Runs {@code task} in {@code netns}, or on the calling thread when it is empty; its exceptions propagate.
     *
     * @param <T> the task's result type
     * @param netns the namespace's path, if any
     * @param task the work
     * @return the task's result
     */
    public static <T> T call(Optional<Path> netns, Supplier<T> task) {
        if (netns.isEmpty()) {
            return task.get();
        }
        Path path = netns.get();
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Native.enterNetns(path.toString());
                result.set(task.get());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "svcproxy-netns-" + path.getFileName());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SvcProxyException("interrupted while working in " + path, path.toString(), e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
