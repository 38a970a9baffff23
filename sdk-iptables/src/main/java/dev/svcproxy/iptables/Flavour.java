// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

/** Which iptables implementation a client drives: the nf_tables one, the legacy x_tables one, or the fake. */
public enum Flavour {
    NFT, LEGACY, FAKE
}
