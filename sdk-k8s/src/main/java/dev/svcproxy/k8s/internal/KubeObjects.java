package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/** The Kubernetes objects of one snapshot, and the problems met while reading them. */
public record KubeObjects(List<Service> services, List<EndpointSlice> endpointSlices, List<Node> nodes,
                          List<Problem> problems) {

    public KubeObjects {
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        nodes = List.copyOf(nodes);
        problems = List.copyOf(problems);
    }
}
