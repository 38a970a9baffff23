// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Typed nftables: {@link dev.svcproxy.nftables.Table}, {@link dev.svcproxy.nftables.Chain},
 * {@link dev.svcproxy.nftables.NftSet} (sets and maps, keys of one {@link dev.svcproxy.nftables.DataType} or a
 * concatenation), {@link dev.svcproxy.nftables.Element}, {@link dev.svcproxy.nftables.Verdict}; a
 * {@link dev.svcproxy.nftables.NftTransaction} of verbs, sent by {@link dev.svcproxy.nftables.NftablesClient} as one
 * atomic nf_tables batch. Every value's {@code toString()} is the {@code nft} syntax {@code nft -f} accepts.
 */
package dev.svcproxy.nftables;
