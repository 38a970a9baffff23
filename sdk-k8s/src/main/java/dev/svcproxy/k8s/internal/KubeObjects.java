// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import java.util.List;
import java.util.Optional;

/** The Kubernetes objects of one snapshot, and the problems met while reading them. */
public record KubeObjects(List<Service> services, List<EndpointSlice> endpointSlices, List<Node> nodes,
                          List<ServiceCIDR> serviceCidrs, List<Problem> problems) {

    /** {@code namespace/name} of an object, its namespace {@code default} when it has none, as the API server sets it. */
    public static String id(HasMetadata o) {
        return key(o).toString();
    }

    /**
     * An object's namespace and name as a map key, without building the {@code namespace/name} string: every read of a
     * large cluster keys each of its objects (the strings' hashes are cached, the key's is not).
     *
     * @param namespace the namespace, {@code default} when the object has none
     * @param name the name
     */
    public record Key(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** {@link #id}'s key. */
    public static Key key(HasMetadata o) {
        return new Key(Optional.ofNullable(o.getMetadata().getNamespace()).orElse("default"), o.getMetadata().getName());
    }

    public KubeObjects {
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        nodes = List.copyOf(nodes);
        serviceCidrs = List.copyOf(serviceCidrs);
        problems = List.copyOf(problems);
    }
}
