// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Work inside another network namespace: running a task in it, and its sysctls ({@code /proc/sys/net/...}). */
package dev.svcproxy.netlink.netns;
