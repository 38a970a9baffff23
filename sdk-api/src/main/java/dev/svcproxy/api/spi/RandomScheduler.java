// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import java.util.List;

/** kube-proxy's split: every endpoint gets an equal share, in sorted order. Every backend supports it. */
public final class RandomScheduler implements Scheduler {
    /** Its name, {@code random}: every service's scheduler unless it names another. */
    public static final String NAME = "random";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String backend) {
        return true;
    }

    @Override
    public List<WeightedEndpoint> schedule(VirtualService service, List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> new WeightedEndpoint(e, 1)).toList();
    }
}
