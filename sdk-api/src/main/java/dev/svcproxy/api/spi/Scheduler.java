// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import java.util.List;

/**
 * Decides how a service's new connections are split over its endpoints: the order and the relative weights.
 * A service names its scheduler ({@link VirtualService#scheduler()}); backends look it up through
 * {@link Schedulers}. Plug-ins register like backends (module {@code provides} + {@code META-INF/services}).
 *
 * <p>Backends express the result their own way: iptables as {@code -m statistic} probabilities
 * {@code w[i] / (w[i] + ... + w[n-1])}, IPVS as destination weights. {@link #supports(String)} says which.
 */
public interface Scheduler {

    /**
     * The name services refer to, e.g. {@code random}.
     *
     * @return the name
     */
    String name();

    /**
     * Whether the backend named {@code backend} (e.g. {@code iptables}) can express this scheduler.
     *
     * @param backend a backend's name
     * @return true if the scheduler can run there
     */
    boolean supports(String backend);

    /**
     * The endpoints in the order the backend should try them, each with its weight. {@code endpoints} is
     * sorted as kube-proxy sorts them (by {@code ip:port} text). Every endpoint returned must come from it.
     *
     * @param service the service
     * @param endpoints the service's endpoints
     * @return the endpoints in the order the backend should try them, each with its weight
     */
    List<WeightedEndpoint> schedule(VirtualService service, List<Endpoint> endpoints);

    /**
     * The kernel IPVS scheduler this service should use in IPVS mode (e.g. {@code wrr}, so the weights of
     * {@link #schedule} count), or empty for the proxy's configured one ({@code ipvs.scheduler}, default {@code rr}).
     *
     * @param service the service
     * @return the IPVS scheduler's name, if one is wanted
     */
    default java.util.Optional<String> ipvsScheduler(VirtualService service) {
        return java.util.Optional.empty();
    }
}
