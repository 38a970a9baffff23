// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

/** Where a service's traffic may go: any endpoint in the cluster, or only endpoints on this node. */
public enum TrafficPolicy {
    /** Any ready endpoint in the cluster. */
    CLUSTER,
    /** Only endpoints on this node (the client's source address is kept). */
    LOCAL
}
