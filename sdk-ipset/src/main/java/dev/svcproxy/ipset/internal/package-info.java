// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** sdk-ipset internals: the nfnetlink ipset codec and the netlink client. Not exported. */
package dev.svcproxy.ipset.internal;
