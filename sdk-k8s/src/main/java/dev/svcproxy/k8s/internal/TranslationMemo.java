// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the last translation made of each Service, so that the next one translates only what changed. An entry is
 * reused when the very same Service object comes with the very same EndpointSlice objects (identity, not equality:
 * a source hands over a new object for every change, as informers and re-parsed manifest files do) for the same
 * node and zone. Each translation replaces the entries of its family, so deleted Services are forgotten.
 * Thread-safe.
 */
public final class TranslationMemo {
    /** A Service's translation for one family: its service ports and the problems met. */
    record Entry(List<EndpointSlice> slices, List<VirtualService> services, List<Problem> problems) {
    }

    /** One family's entries, and the service ports the translation gave, in their order (by name). */
    private record Generation(String node, Optional<String> zone, Map<Service, Entry> entries, List<VirtualService> sorted) {
    }

    private final Map<IpFamily, Generation> families = new EnumMap<>(IpFamily.class);

    /** The entries of {@code family} for {@code node} in {@code zone}, empty if those changed. */
    synchronized Map<Service, Entry> entries(IpFamily family, String node, Optional<String> zone) {
        Generation g = families.get(family);
        return g != null && g.node().equals(node) && g.zone().equals(zone) ? g.entries() : Map.of();
    }

    /**
     * The service ports the last translation of {@code family} gave, sorted by name: the order a translation that
     * reuses most of them starts from (a nearly sorted list sorts in one pass).
     */
    synchronized List<VirtualService> sorted(IpFamily family) {
        Generation g = families.get(family);
        return g == null ? List.of() : g.sorted();
    }

    /** Replaces the entries of {@code family} with {@code entries}, which gave {@code sorted}. */
    synchronized void replace(IpFamily family, String node, Optional<String> zone, IdentityHashMap<Service, Entry> entries,
                              List<VirtualService> sorted) {
        families.put(family, new Generation(node, zone, entries, sorted));
    }

    static boolean sameSlices(List<EndpointSlice> a, List<EndpointSlice> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
