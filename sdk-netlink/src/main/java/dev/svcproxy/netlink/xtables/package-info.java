// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The legacy x_tables interface (iptables-legacy's): a raw socket whose options read and replace a table
 * ({@code IPT_SO_GET_INFO}, {@code IPT_SO_GET_ENTRIES}, {@code IPT_SO_SET_REPLACE}, {@code IPT_SO_SET_ADD_COUNTERS}),
 * and the xtables lock file every iptables-legacy tool takes. The table's layout is the caller's business.
 */
package dev.svcproxy.netlink.xtables;
