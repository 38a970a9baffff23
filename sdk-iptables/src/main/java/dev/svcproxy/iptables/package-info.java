// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * A typed iptables SDK: {@link dev.svcproxy.iptables.Table}s, {@link dev.svcproxy.iptables.ChainName}s,
 * {@link dev.svcproxy.iptables.Rule}s built from {@link dev.svcproxy.iptables.Match}es and a
 * {@link dev.svcproxy.iptables.Target}, all-or-nothing {@link dev.svcproxy.iptables.IptablesTransaction}s applied
 * with one {@code iptables-restore --noflush}, {@code iptables-save} parsed back into the same model
 * ({@link dev.svcproxy.iptables.Ruleset}), the {@link dev.svcproxy.iptables.IptablesClient} for the kernel, and
 * {@link dev.svcproxy.iptables.FakeIptables} with its {@link dev.svcproxy.iptables.PacketTracer} for tests.
 */
package dev.svcproxy.iptables;
