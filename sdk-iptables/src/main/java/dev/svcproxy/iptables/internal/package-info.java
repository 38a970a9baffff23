// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * sdk-iptables internals: rule word splitting and quoting, the iptables-save parser, the exec client, the xtables lock
 * it takes for iptables-legacy, and the nf_tables netlink writer of a first load on iptables-nft 1.8.9. Not exported.
 */
package dev.svcproxy.iptables.internal;
