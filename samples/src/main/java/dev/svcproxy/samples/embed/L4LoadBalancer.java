// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A custom L4 load balancer in a few lines, with nothing but sdk-api and whichever backend the SPI finds (iptables
 * here, IPVS where chosen): a virtual IP:port spread over backends, optionally sticky per client, kept in step by
 * calling {@link #update} whenever the backend list changes. No Kubernetes anywhere.
 */
public final class L4LoadBalancer implements AutoCloseable {
    private final ServiceProxyBackend backend;
    private final HostPort vip;

    /** A balancer for {@code vip} in the network namespace {@code netns} (empty: this one), on backend {@code name}. */
    public L4LoadBalancer(HostPort vip, Optional<Path> netns, String name) {
        BackendContext.Builder ctx = BackendContext.builder().family(vip.ip().family());
        netns.ifPresent(ctx::netns);
        this.backend = Backends.create(name, ctx.build());
        this.vip = vip;
    }

    /** Makes {@code targets} the balancer's backends (equal shares; {@code sticky}: one client keeps one target). */
    public SyncResult update(List<HostPort> targets, boolean sticky) {
        VirtualService lb = VirtualService.builder().name(ServicePortName.parse("lb/" + vip.port()))
                .protocol(dev.svcproxy.api.net.Protocol.TCP).port(vip.port()).clusterIp(vip.ip())
                .sessionAffinity(sticky ? SessionAffinity.clientIp(600) : SessionAffinity.NONE)
                .addAllClusterEndpoints(targets.stream().map(Endpoint::of).toList()).build();
        return backend.sync(ServiceTable.builder().family(vip.ip().family()).addService(lb).build());
    }

    /** Removes everything the balancer installed. */
    @Override
    public void close() {
        backend.cleanup();
        backend.close();
    }
}
