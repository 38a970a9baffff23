// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Netlink without native types in the API: {@link dev.svcproxy.netlink.NetlinkSocket} (request/ACK, dumps,
 * batches, timeouts, network namespaces), {@link dev.svcproxy.netlink.MessageBuilder} and
 * {@link dev.svcproxy.netlink.Attributes} (the byte-exact codec), and {@link dev.svcproxy.netlink.NetlinkErrors}
 * (errno to typed exceptions, in one place).
 */
package dev.svcproxy.netlink;
