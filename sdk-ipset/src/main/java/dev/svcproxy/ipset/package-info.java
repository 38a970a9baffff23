// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Typed ipsets: {@link dev.svcproxy.ipset.SetType}, the set specification {@link dev.svcproxy.ipset.IpSet},
 * {@link dev.svcproxy.ipset.Entry} values checked against their set type, and {@link dev.svcproxy.ipset.IpsetClient}
 * over the kernel's nfnetlink ipset protocol.
 */
package dev.svcproxy.ipset;
