// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Validated network values: IP family, protocol, IP address, CIDR, port and {@code ip:port} endpoints, each with one canonical text form. */
package dev.svcproxy.api.net;
