// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Conntrack for svcproxy: typed entries ({@link dev.svcproxy.conntrack.ConntrackEntry} with its two
 * {@link dev.svcproxy.conntrack.Tuple}s), filters, and {@link dev.svcproxy.conntrack.ConntrackClient} to list,
 * count, create, delete and flush the kernel's connection tracking table over ctnetlink, in this or another
 * network namespace. {@link dev.svcproxy.conntrack.FakeConntrack} behaves the same in memory.
 */
package dev.svcproxy.conntrack;
