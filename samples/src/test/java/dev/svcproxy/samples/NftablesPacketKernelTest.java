// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Field;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.Rule;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.Verdict;
import dev.svcproxy.samples.demo.DemoTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real packets through rules that sdk-nftables wrote, in kube-proxy's nftables shapes: a ClusterIP's verdict-map
 * entry goes to its service chain, {@code numgen random mod 3} picks an endpoint chain, which marks the packet and
 * DNATs it to a pod; the mark gets it masqueraded; a per-endpoint affinity set keeps a client on one pod; a Service
 * with no endpoints is rejected with ICMP port unreachable, which the client sees as a refused connection.
 */
@Tag("kernel")
class NftablesPacketKernelTest {
    static final Table T = Table.of(Family.IP, "svcp");

    private static Chain endpoint(NftTransaction tx, String name, String pod, Optional<NftSet> affinity) {
        Chain ep = Chain.of(T, name);
        tx.add(ep);
        affinity.ifPresent(a -> tx.add(Rule.in(ep).update(a, Field.IP_SADDR, Optional.empty()).build()));
        tx.add(Rule.in(ep).setMarkOr(0x4000).build())
                .add(Rule.in(ep).match(Field.META_L4PROTO, "tcp").dnat(IpAddress.parse(pod), 80).build());
        return ep;
    }

    static NftTransaction layout(Map<String, String> pods) {
        NftSet services = NftSet.map(T, "service-ips", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
                DataType.VERDICT);
        NftSet noEndpoints = NftSet.map(T, "no-endpoint-services", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
                DataType.VERDICT);
        Chain natPre = Chain.base(T, "nat-prerouting", Chain.Hook.of(Chain.Type.NAT, Chain.HookPoint.PREROUTING, "dstnat"));
        Chain natPost = Chain.base(T, "nat-postrouting", Chain.Hook.of(Chain.Type.NAT, Chain.HookPoint.POSTROUTING, "srcnat"));
        Chain forward = Chain.base(T, "filter-forward", Chain.Hook.of(Chain.Type.FILTER, Chain.HookPoint.FORWARD, "filter"));
        Chain reject = Chain.of(T, "reject-chain");
        Chain web = Chain.of(T, "service-web");
        Chain sticky = Chain.of(T, "service-sticky");
        NftTransaction tx = NftTransaction.create().add(T).add(services).add(noEndpoints)
                .add(natPre).add(natPost).add(forward).add(reject).add(web).add(sticky)
                .add(Rule.in(natPre).vmap(services, Field.IP_DADDR, Field.META_L4PROTO, Field.TH_DPORT).build())
                .add(Rule.in(natPost).markMasked(0x4000, 0x4000).masquerade(true).build())
                .add(Rule.in(forward).vmap(noEndpoints, Field.IP_DADDR, Field.META_L4PROTO, Field.TH_DPORT).build())
                .add(Rule.in(reject).reject().build());
        List<Verdict> webEps = new ArrayList<>();
        List<Verdict> stickyEps = new ArrayList<>();
        pods.forEach((name, ip) -> {
            webEps.add(Verdict.goTo(endpoint(tx, "endpoint-web-" + name, ip, Optional.empty()).name()));
            NftSet aff = NftSet.set(T, "affinity-" + name, DataType.IPV4_ADDR).withFlags(NftSet.Flag.DYNAMIC).withTimeout(Duration.ofHours(3));
            tx.add(aff);
            Chain ep = endpoint(tx, "endpoint-sticky-" + name, ip, Optional.of(aff));
            tx.add(Rule.in(sticky).inSet(aff, Field.IP_SADDR).verdict(Verdict.goTo(ep.name())).build());
            stickyEps.add(Verdict.goTo(ep.name()));
        });
        return tx.add(Rule.in(web).numgenVmap(webEps).build())
                .add(Rule.in(sticky).numgenVmap(stickyEps).build())
                .addElements(services, Element.of(List.of("10.101.57.97", "tcp", "80"), Verdict.goTo(web.name())),
                        Element.of(List.of("10.101.57.99", "tcp", "80"), Verdict.goTo(sticky.name())))
                .addElements(noEndpoints, Element.of(List.of("10.101.57.98", "tcp", "80"), Verdict.goTo(reject.name())));
    }

    @Test
    void connectionsGoWhereTheSdksRulesSendThem() {
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-nftpkt-" + ProcessHandle.current().pid(), pods, 80);
             NftablesClient nft = NftablesClient.open(topo.node().path())) {
            nft.apply(layout(pods));

            Map<String, Integer> hits = new TreeMap<>();
            Set<String> peers = new TreeSet<>();
            for (String answer : topo.connect(topo.client(), "10.101.57.97:80", 60)) {
                hits.merge(answer.split(" ")[0], 1, Integer::sum);
                peers.add(answer.split(" ")[1]);
            }
            assertEquals(60, hits.values().stream().mapToInt(Integer::intValue).sum(), hits + " " + topo.failures());
            assertEquals(pods.keySet(), hits.keySet(), "numgen spreads over all three pods: " + hits);
            assertEquals(Set.of(DemoTopology.NODE_BRIDGE_IP), peers, "masqueraded to the node's bridge address");

            Set<String> sticky = new TreeSet<>();
            topo.connect(topo.client(), "10.101.57.99:80", 20).forEach(a -> sticky.add(a.split(" ")[0]));
            assertEquals(1, sticky.size(), "affinity keeps the client on one pod: " + sticky);
            assertTrue(nft.list(Family.IP, "svcp").orElseThrow().sets().stream()
                    .filter(s -> s.set().name().equals("affinity-" + sticky.iterator().next()))
                    .anyMatch(s -> s.elements().stream().anyMatch(e -> e.key().equals(List.of(DemoTopology.CLIENT_IP)))),
                    "the client's address is in that endpoint's affinity set");

            String refused = topo.client().sh("socat -T2 - TCP:10.101.57.98:80,connect-timeout=2 </dev/null 2>&1; true");
            assertTrue(refused.contains("Connection refused"), "ICMP port unreachable from reject: " + refused);
        }
    }
}
