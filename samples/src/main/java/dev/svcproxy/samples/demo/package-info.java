// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The iptables demo: a node and three pods made of network namespaces, a ClusterIP programmed through the SDK, real traffic. */
package dev.svcproxy.samples.demo;
