// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.internal.ClusterIndex;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterSource} the embedding program feeds: a CNI agent or controller that already holds the cluster's
 * objects hands them over as a {@link ClusterSnapshot} (e.g. {@link ClusterSnapshot#parse} of their YAML or JSON),
 * or hands over ready {@link ServiceTable}s with no Kubernetes objects at all. The proxy syncs soon after each
 * {@code publish}; Services and EndpointSlices that are the very same objects as in the last publish are not translated
 * again. Thread-safe.
 */
public final class ClusterFeed implements ClusterSource {
    private ClusterSnapshot snapshot = ClusterSnapshot.parse("", "feed");
    private Map<IpFamily, ServiceTable> tables;
    private boolean changed;
    private Runnable listener = () -> { };
    private final ClusterIndex index = new ClusterIndex();

    /**
     * Publishes Services, EndpointSlices and Nodes; they replace what was published before.
     *
     * @param objects the Services, EndpointSlices and Nodes
     */
    public synchronized void publish(ClusterSnapshot objects) {
        this.snapshot = objects;
        this.tables = null;
        this.changed = true;
        listener.run();
    }

    /**
     * Publishes ready tables (one per family; a missing family is empty); they replace what was published before.
     *
     * @param tables the desired state, one table per family
     */
    public synchronized void publish(ServiceTable... tables) {
        Map<IpFamily, ServiceTable> m = new EnumMap<>(IpFamily.class);
        for (IpFamily f : IpFamily.values()) {
            m.put(f, ServiceTable.empty(f));
        }
        for (ServiceTable t : tables) {
            m.put(t.family(), t);
        }
        this.tables = m;
        this.changed = true;
        listener.run();
    }

    @Override
    public synchronized void onChange(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public synchronized ServiceTables.Result read(String nodeName) {
        return tables != null ? new ServiceTables.Result(Map.copyOf(tables), List.of(), List.of())
                : ServiceTables.build(snapshot, nodeName, index);
    }

    @Override
    public synchronized boolean changed() {
        boolean c = changed;
        changed = false;
        return c;
    }
}
