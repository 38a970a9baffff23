// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftPacketTracer;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableContents;
import dev.svcproxy.nftables.Verdict;
import dev.svcproxy.nftables.kube.KubeNftLayout;
import dev.svcproxy.nftables.kube.NftablesBackend;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code svcproxy trace} in nftables mode: one packet through kube-proxy's nftables table, the one in force here or
 * the one a full sync of the manifests would write, with {@link NftPacketTracer}: the rules it matches, each
 * endpoint's share (from {@code numgen}), DNAT, masquerade, and the verdict.
 */
final class NftTrace {

    private NftTrace() {
    }

    static int trace(IpAddress src, HostPort dst, Protocol proto, KubeProxy proxy, CommandLine cl, PrintStream out) {
        IpFamily family = dst.ip().family();
        Family nftFamily = family == IpFamily.IPV4 ? Family.IP : Family.IP6;
        Set<IpAddress> local = new LinkedHashSet<>();
        TableContents table;
        String where;
        if (proxy != null) {
            ServiceTable desired = proxy.tables().table(family);
            local.addAll(desired.nodeIps());
            FakeNftables fake = new FakeNftables();
            try (NftablesBackend backend = new NftablesBackend(fake, proxy.context(family))) {
                backend.sync(desired);
            }
            table = fake.list(nftFamily, KubeNftLayout.TABLE).orElseThrow();
            where = "the table a full sync of " + cl.get("manifests").orElseThrow() + " would write";
        } else {
            try (NftablesClient nft = NftablesClient.open()) {
                table = nft.list(nftFamily, KubeNftLayout.TABLE).orElseThrow(() -> new dev.svcproxy.api.NotFoundException(
                        "no kube-proxy table of this family in this network namespace", nftFamily + " " + KubeNftLayout.TABLE));
            }
            local.addAll(TraceCommand.localAddresses());
            where = "the table in force in this network namespace";
        }
        boolean fromHere = local.contains(src) || src.isLoopback();
        List<NftPacketTracer.Outcome> outcomes = new NftPacketTracer(table, local).trace(new NftPacketTracer.Packet(src, dst.ip(), proto,
                40000, dst.port(), fromHere ? Optional.empty() : Optional.of("eth0")));
        NftPacketTracer.Outcome first = outcomes.get(0);
        out.printf("packet %s:40000 -> %s %s, %s, through %s (nftables %s)%n", src, dst, proto.lowerName(),
                fromHere ? "sent by this host" : "arriving from outside", where, table.table().reference());
        java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
        NftPacketTracer.shares(outcomes).forEach((ep, p) -> shares.put(ep.toString(), p));
        TraceCommand.report(out, first.steps(), shares, first.dnat().map(Object::toString), first.masquerade(),
                first.rejected() ? "REJECT" : first.verdict() == Verdict.Kind.DROP ? "DROP" : "ACCEPT");
        out.flush();
        return 0;
    }
}
