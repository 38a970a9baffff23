// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The plug-in points: {@link dev.svcproxy.api.spi.ServiceProxyBackendProvider} (a dataplane: iptables, ipvs,
 * nftables, ...) and {@link dev.svcproxy.api.spi.Scheduler} (how traffic is split over endpoints), both found
 * with {@link java.util.ServiceLoader} on the module path and the class path, through
 * {@link dev.svcproxy.api.spi.Backends} and {@link dev.svcproxy.api.spi.Schedulers}.
 */
@Value.Style(
        visibility = Value.Style.ImplementationVisibility.PACKAGE,
        overshadowImplementation = true,
        depluralize = true,
        depluralizeDictionary = {"address:addresses"},
        allowedClasspathAnnotations = {Override.class})
package dev.svcproxy.api.spi;

import org.immutables.value.Value;
