// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The desired state a backend programs, free of Kubernetes: a {@link dev.svcproxy.api.model.ServiceTable} of
 * {@link dev.svcproxy.api.model.VirtualService}s, each with its frontends, policies, affinity and endpoints
 * already categorised (cluster-wide and node-local).
 */
@Value.Style(
        visibility = Value.Style.ImplementationVisibility.PACKAGE,
        overshadowImplementation = true,
        depluralize = true,
        allowedClasspathAnnotations = {Override.class})
package dev.svcproxy.api.model;

import org.immutables.value.Value;
