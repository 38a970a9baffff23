// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** nfnetlink_acct: the named packet/byte counters that {@code iptables -m nfacct} rules count into. */
package dev.svcproxy.netlink.nfacct;
