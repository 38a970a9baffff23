// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

/** Which iptables implementation a client drives: the nf_tables one, the legacy x_tables one, or the fake. */
public enum Flavour {
    /** {@code iptables-nft}: iptables rules stored in nf_tables. */
    NFT,
    /** {@code iptables-legacy}: the x_tables kernel interface. */
    LEGACY,
    /** {@link FakeIptables}, in memory. */
    FAKE
}
