// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * svcproxy's foundation: network values, the Kubernetes-free desired-state model ({@code ServiceTable}),
 * the {@code ServiceProxyBackend} and {@code Scheduler} SPIs with their discovery, and the error types.
 */
module dev.svcproxy.api {
    requires static org.immutables.value;
    requires org.slf4j;

    exports dev.svcproxy.api;
    exports dev.svcproxy.api.net;
    exports dev.svcproxy.api.model;
    exports dev.svcproxy.api.spi;
    exports dev.svcproxy.api.netns;

    uses dev.svcproxy.api.spi.ServiceProxyBackendProvider;
    uses dev.svcproxy.api.spi.Scheduler;

    provides dev.svcproxy.api.spi.Scheduler with dev.svcproxy.api.spi.RandomScheduler;
}
