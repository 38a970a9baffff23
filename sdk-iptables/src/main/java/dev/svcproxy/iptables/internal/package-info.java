// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** sdk-iptables internals: rule word splitting and quoting, the iptables-save parser, the exec client. Not exported. */
package dev.svcproxy.iptables.internal;
