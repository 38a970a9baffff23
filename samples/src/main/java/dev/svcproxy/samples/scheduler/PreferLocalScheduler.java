// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.scheduler;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.WeightedEndpoint;
import java.util.List;

/**
 * A sample scheduler: endpoints on this node get three times the share of the others, and are tried first.
 * Services use it with {@code .scheduler("prefer-local")} (in Kubernetes, the annotation
 * {@code svcproxy.dev/scheduler: prefer-local}). Any backend that honours weights can express it; in IPVS mode it
 * asks for the kernel's {@code wrr} scheduler.
 */
public final class PreferLocalScheduler implements Scheduler {
    public static final String NAME = "prefer-local";
    static final int LOCAL_WEIGHT = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String backend) {
        return backend.equals("iptables") || backend.equals("ipvs") || backend.equals("nftables");
    }

    /** In IPVS mode the weights need a weighted kernel scheduler. */
    @Override
    public java.util.Optional<String> ipvsScheduler(VirtualService service) {
        return java.util.Optional.of("wrr");
    }

    @Override
    public List<WeightedEndpoint> schedule(VirtualService service, List<Endpoint> endpoints) {
        return java.util.stream.Stream.concat(
                endpoints.stream().filter(Endpoint::local).map(e -> new WeightedEndpoint(e, LOCAL_WEIGHT)),
                endpoints.stream().filter(e -> !e.local()).map(e -> new WeightedEndpoint(e, 1))).toList();
    }
}
