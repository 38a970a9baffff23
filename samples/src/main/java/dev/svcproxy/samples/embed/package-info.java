// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Embedding the iptables SDK in your own program: the README's example, runnable on the kernel or the fake. */
package dev.svcproxy.samples.embed;
