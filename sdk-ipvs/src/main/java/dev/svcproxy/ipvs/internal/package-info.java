// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** sdk-ipvs internals: the IPVS generic netlink codec, the netlink client and the table diff. Not exported. */
package dev.svcproxy.ipvs.internal;
