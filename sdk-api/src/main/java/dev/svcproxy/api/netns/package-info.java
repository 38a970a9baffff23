// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Named network namespaces ({@code ip netns}): made, used as targets for clients, and deleted; for CNI plugins, demos and tests. */
package dev.svcproxy.api.netns;
