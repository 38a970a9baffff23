// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Generic netlink: resolving a family (e.g. {@code IPVS}) to its id, version and multicast groups. */
package dev.svcproxy.netlink.genl;
