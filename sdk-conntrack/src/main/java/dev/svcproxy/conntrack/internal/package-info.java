// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** sdk-conntrack internals: the ctnetlink codec and the netlink client. Not exported. */
package dev.svcproxy.conntrack.internal;
