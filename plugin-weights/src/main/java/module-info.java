// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * A sample {@link dev.svcproxy.api.spi.Scheduler} plug-in packaged as its own module: the proxy finds it when its
 * jar is in the distribution's {@code plugins/} directory.
 */
module dev.svcproxy.plugin.weights {
    requires dev.svcproxy.api;

    provides dev.svcproxy.api.spi.Scheduler with dev.svcproxy.plugin.weights.AnnotationWeightsScheduler;
}
