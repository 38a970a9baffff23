// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.k8s.internal.ClusterIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server as a {@link ClusterSource}: informers, a change flag they raise, and Events for skipped objects. A read
 * takes from the informers only the Services and EndpointSlices that changed since the last, and translates only those.
 */
final class ApiServerSource implements ClusterSource {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerSource.class);
    private final KubeApiSource source;
    private final ProblemEvents events;
    private final AtomicBoolean dirty;
    private final ClusterIndex index = new ClusterIndex();

    private final AtomicReference<Runnable> listener;

    private ApiServerSource(KubeApiSource source, ProblemEvents events, AtomicBoolean dirty, AtomicReference<Runnable> listener) {
        this.source = source;
        this.events = events;
        this.dirty = dirty;
        this.listener = listener;
    }

    /** Starts the informers and waits up to two minutes for their first full list. */
    static ApiServerSource start(ProxyConfig.ClientConnection connection, Optional<String> master, String nodeName, Duration resync) {
        AtomicBoolean dirty = new AtomicBoolean();
        AtomicReference<Runnable> listener = new AtomicReference<>(() -> { });
        KubeApiSource source = KubeApiSource.start(connection, master, nodeName, resync, () -> {
            dirty.set(true);
            listener.get().run();
        });
        try {
            if (!source.awaitSynced(Duration.ofMinutes(2))) {
                throw new SvcProxyException("the informers did not list Services and EndpointSlices within 2 minutes",
                        connection.describe(master));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            source.close();
            throw new SvcProxyException("interrupted while listing", "API server");
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        dirty.set(false);
        return new ApiServerSource(source, source.problemEvents("svcproxy-" + nodeName, LOG::warn), dirty, listener);
    }

    @Override
    public synchronized ServiceTables.Result read(String nodeName) {
        source.applyChanges(index); // only the objects that changed: the others stay translated as they were
        return ServiceTables.build(index, source.nodes(), source.serviceCidrs(), new ArrayList<>(), nodeName);
    }

    @Override
    public void onChange(Runnable listener) {
        this.listener.set(listener);
    }

    @Override
    public boolean changed() {
        return dirty.getAndSet(false);
    }

    @Override
    public void report(List<Problem> problems) {
        events.report(problems);
    }

    @Override
    public void close() {
        events.close();
        source.close();
    }
}
