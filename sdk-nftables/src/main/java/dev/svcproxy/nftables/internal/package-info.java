// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The nf_tables netlink encoding and the kernel client; not exported. */
package dev.svcproxy.nftables.internal;
