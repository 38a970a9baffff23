// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The libc binding interface alone. Exported, unqualified, only because jnr-ffi defines its generated
 * implementation in an unnamed module, which must see this interface; it is not an API, and the wrappers that
 * use it ({@code dev.svcproxy.netlink.internal.Native}) are not exported.
 */
package dev.svcproxy.netlink.internal.jnr;
