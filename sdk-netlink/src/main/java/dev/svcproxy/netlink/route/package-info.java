// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** rtnetlink helpers: dummy interfaces (e.g. IPVS's {@code kube-ipvs0}) and their addresses. */
package dev.svcproxy.netlink.route;
