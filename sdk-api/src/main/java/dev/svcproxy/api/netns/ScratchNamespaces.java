// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.netns;

import dev.svcproxy.api.SvcProxyException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Throw-away network namespaces for kernel tests, as the compatibility kits' kernel runs use them: each
 * {@link #open} makes a fresh namespace ({@code PREFIX-PID-N}) and a client in it; {@link #close()} closes every
 * client and deletes every namespace, newest first, even when one of them fails. Needs root.
 */
public final class ScratchNamespaces implements AutoCloseable {
    private final String prefix;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private int made;

    /**
     * Namespaces named {@code PREFIX-PID-N}.
     *
     * @param prefix the names' start, e.g. {@code svcp-test-ipset}
     */
    public ScratchNamespaces(String prefix) {
        this.prefix = prefix;
    }

    /**
     * A client in a fresh namespace; both are closed by {@link #close()}.
     *
     * @param <T> the client's type
     * @param client opens a client in the namespace at the given path (e.g. {@code IpsetClient::open})
     * @return the client
     */
    public synchronized <T extends AutoCloseable> T open(Function<Path, T> client) {
        T c = client.apply(create().path());
        opened.add(c);
        return c;
    }

    /**
     * A fresh namespace, deleted by {@link #close()} (for clients that hold nothing open, such as iptables').
     *
     * @return the namespace
     */
    public synchronized NetworkNamespace create() {
        NetworkNamespace ns = NetworkNamespace.create(prefix + "-" + ProcessHandle.current().pid() + "-" + ++made);
        opened.add(ns);
        return ns;
    }

    /** Closes every client and deletes every namespace made so far, newest first; the first failure is thrown. */
    @Override
    public synchronized void close() {
        SvcProxyException failure = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new SvcProxyException("cannot close: " + e.getMessage(), String.valueOf(opened.get(i)), e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
