// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The static wrappers over libc ({@code Native}): errno to typed exceptions, namespace entry. Not exported. */
package dev.svcproxy.netlink.internal;
