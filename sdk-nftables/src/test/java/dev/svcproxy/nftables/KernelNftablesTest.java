// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.Protocol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nf_tables client against the kernel, checked with the real {@code nft}, in throw-away namespaces: what the SDK
 * writes, {@code nft list table} prints exactly as the SDK prints its own listing, and what {@code nft -f} writes the
 * SDK lists back and prints identically.
 */
@Tag("kernel")
class KernelNftablesTest {
    static final Table KP = Table.of(Family.IP, "kube-proxy").withComment("rules for kube-proxy");

    private static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-nft-" + what + "-" + ProcessHandle.current().pid());
    }

    /** kube-proxy's shapes: a verdict map keyed by a concatenation, sets with and without timeouts, base and regular chains. */
    static NftTransaction layout() {
        NftSet clusterIps = NftSet.set(KP, "cluster-ips", DataType.IPV4_ADDR).withComment("Active ClusterIPs");
        NftSet serviceIps = NftSet.map(KP, "service-ips", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
                DataType.VERDICT).withComment("ClusterIP, ExternalIP and LoadBalancer IP traffic");
        NftSet affinity = NftSet.set(KP, "affinity-XPGD46QR-ns1/svc1/tcp/p80__10.180.0.1/80", DataType.IPV4_ADDR)
                .withFlags(NftSet.Flag.DYNAMIC).withTimeout(Duration.ofHours(3));
        NftSet marks = NftSet.map(KP, "marks", List.of(DataType.MARK), DataType.IPV4_ADDR);
        NftSet ranges = NftSet.set(KP, "ranges", DataType.IPV4_ADDR).withFlags(NftSet.Flag.INTERVAL);
        Chain svc = Chain.of(KP, "service-ULMVA6XW-ns1/svc1/tcp/p80").withComment("ns1/svc1:p80");
        return NftTransaction.create().add(KP)
                .add(clusterIps).add(serviceIps).add(affinity).add(marks).add(ranges)
                .add(Chain.base(KP, "filter-prerouting-pre-dnat", Chain.Hook.of(Chain.Type.FILTER, Chain.HookPoint.PREROUTING, "dstnat - 10")))
                .add(Chain.base(KP, "filter-output-pre-dnat", Chain.Hook.of(Chain.Type.FILTER, Chain.HookPoint.OUTPUT, "dstnat - 10")))
                .add(Chain.base(KP, "nat-postrouting", Chain.Hook.of(Chain.Type.NAT, Chain.HookPoint.POSTROUTING, "srcnat")))
                .add(Chain.base(KP, "filter-forward", Chain.Hook.of(Chain.Type.FILTER, Chain.HookPoint.FORWARD, "-5"))
                        .withComment("forwarding"))
                .add(svc)
                .addElements(clusterIps, Element.of("172.30.0.41"), Element.of("172.30.0.42"))
                .addElements(serviceIps, Element.of(List.of("172.30.0.41", "tcp", "80"), Verdict.goTo(svc.name())),
                        Element.of(List.of("172.30.0.42", "udp", "53"), Verdict.goTo(svc.name())).withComment("dns"))
                .addElements(marks, Element.of(List.of("0x4000"), List.of("10.0.0.1")))
                .addElements(ranges, Element.of("10.0.0.0/8"), Element.of("11.0.0.0/8"), Element.of("192.168.1.1"),
                        Element.of("172.16.0.5-172.16.0.9"), Element.of("172.16.1.0-172.16.1.255"), Element.of("255.255.255.0/24"));
    }

    @Test
    void whatTheSdkWritesNftListsAsTheSdkPrintsIt() {
        try (NetworkNamespace ns = ns("sdk"); NftablesClient c = NftablesClient.open(ns.path())) {
            c.apply(layout());
            TableContents listed = c.list(Family.IP, "kube-proxy").orElseThrow();
            assertEquals(ns.exec("nft", "list", "table", "ip", "kube-proxy"), listed.toString());
            assertEquals(5, listed.chains().size());
            assertEquals(List.of("10.0.0.0/8", "11.0.0.0/8", "172.16.0.5-172.16.0.9", "172.16.1.0/24", "192.168.1.1", "255.255.255.0/24"),
                    listed.sets().get(4).elements().stream().map(e -> e.key().get(0)).toList(), "ranges that are prefixes print as prefixes");
            assertEquals(2, listed.sets().get(1).elements().size());
            assertTrue(c.tables().contains(KP));
        }
    }

    @Test
    void whatNftWritesTheSdkListsAndPrintsIdentically(@TempDir Path dir) throws Exception {
        try (NetworkNamespace ns = ns("nft"); NftablesClient c = NftablesClient.open(ns.path())) {
            Path script = dir.resolve("kp.nft");
            // the SDK's transaction text is an nft script (destroy is newer than this host's nft, so add is used)
            Files.writeString(script, layout().toString());
            ns.exec("nft", "-f", script.toString());
            String nft = ns.exec("nft", "list", "table", "ip", "kube-proxy");
            assertEquals(nft, c.list(Family.IP, "kube-proxy").orElseThrow().toString());
            assertTrue(nft.contains("type filter hook prerouting priority dstnat - 10; policy accept;"), nft);
            assertTrue(nft.contains("type filter hook output priority -110; policy accept;"), nft);
        }
    }

    static final Table RT = Table.of(Family.IP, "rules");

    /** Every statement kube-proxy's layout uses, once. */
    static NftTransaction rules() {
        NftSet aff = NftSet.set(RT, "aff", DataType.IPV4_ADDR).withFlags(NftSet.Flag.DYNAMIC).withTimeout(Duration.ofHours(3));
        NftSet services = NftSet.map(RT, "service-ips", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
                DataType.VERDICT);
        Chain ep0 = Chain.of(RT, "ep0");
        Chain ep1 = Chain.of(RT, "ep1");
        Chain svc = Chain.of(RT, "svc");
        Chain rejects = Chain.of(RT, "rejects");
        Chain f = Chain.base(RT, "filter-forward", Chain.Hook.of(Chain.Type.FILTER, Chain.HookPoint.FORWARD, "filter"));
        Chain nat = Chain.base(RT, "nat-prerouting", Chain.Hook.of(Chain.Type.NAT, Chain.HookPoint.PREROUTING, "dstnat"));
        return NftTransaction.create().add(RT).add(aff).add(services).add(ep0).add(ep1).add(svc).add(rejects).add(f).add(nat)
                .add(Rule.in(rejects).reject().build())
                .add(Rule.in(ep0).update(aff, Field.IP_SADDR, java.util.Optional.empty()).build())
                .add(Rule.in(ep0).setMarkOr(0x4000).build())
                .add(Rule.in(ep0).match(Field.META_L4PROTO, "tcp").dnat(dev.svcproxy.api.net.IpAddress.parse("10.180.0.1"), 80).build())
                .add(Rule.in(ep1).masquerade(true).build())
                .add(Rule.in(ep1).counter().build())
                .add(Rule.in(ep1).reject().build())
                .add(Rule.in(ep1).ctState("invalid").verdict(Verdict.DROP).build())
                .add(Rule.in(ep1).ctState("established", "related").verdict(Verdict.ACCEPT).build())
                .add(Rule.in(svc).inSet(aff, Field.IP_SADDR).verdict(Verdict.goTo("ep0")).build())
                .add(Rule.in(svc).numgenVmap(List.of(Verdict.goTo("ep0"), Verdict.goTo("ep1"))).build())
                .add(Rule.in(f).fibDaddrTypeLocal().verdict(Verdict.jump("rejects")).build())
                .add(Rule.in(f).markMasked(0x4000, 0).verdict(Verdict.RETURN).build())
                .add(Rule.in(f).setMarkXor(0x4000).build())
                .add(Rule.in(f).notInSet(aff, Field.IP_DADDR).verdict(Verdict.DROP).build())
                .add(Rule.in(f).match(Field.TH_DPORT, "80").verdict(Verdict.ACCEPT).build())
                .add(Rule.in(f).match(Field.META_L4PROTO, "tcp").rejectTcpReset().build())
                .add(Rule.in(f).rejectIcmp(1).build())
                .add(Rule.in(f).match(Field.IP_DADDR, "10.0.0.1").notMatch(Field.IIFNAME, "eth0").counter().verdict(Verdict.ACCEPT)
                        .comment("x").build())
                .add(Rule.in(f).match(Field.IP_DADDR, "172.30.0.41").notMatch(Field.IP_SADDR, Cidr.parse("10.0.0.0/8"))
                        .verdict(Verdict.jump("rejects")).build())
                .add(Rule.in(f).match(Field.IP_SADDR, Cidr.parse("10.0.0.0/25")).verdict(Verdict.jump("rejects")).build())
                .add(Rule.in(f).notInValues(Field.IP_SADDR, List.of("203.0.113.0/25")).verdict(Verdict.DROP).build())
                .add(Rule.in(f).notInValues(Field.IP_SADDR, List.of("203.0.113.0/25", "5.6.7.8")).verdict(Verdict.DROP).build())
                .add(Rule.in(f).inValues(Field.IP_DADDR, List.of("172.30.0.0/16")).verdict(Verdict.DROP).build())
                .add(Rule.in(f).match(Field.IP_DADDR, "172.30.0.41").dport(Protocol.TCP, 80).verdict(Verdict.jump("rejects")).build())
                .add(Rule.in(f).match(Field.IIFNAME, "veth*").verdict(Verdict.goTo("rejects")).build())
                .add(Rule.in(f).fibSaddrTypeLocal().verdict(Verdict.jump("rejects")).comment("masquerade local traffic").build())
                .add(Rule.in(nat).fibDaddrTypeLocal().notMatch(Field.IP_DADDR, Cidr.parse("127.0.0.0/8"))
                        .vmap(services, Field.IP_DADDR, Field.META_L4PROTO, Field.TH_DPORT).build())
                .add(Rule.in(nat).vmap(services, Field.IP_DADDR, Field.META_L4PROTO, Field.TH_DPORT).build())
                .insert(Rule.in(nat).match(Field.IP_SADDR, "10.1.2.3").verdict(Verdict.ACCEPT).build());
    }

    @Test
    void rulesTheSdkWritesNftListsAsTheSdkPrintsThemAndNftReadsTheSdksText(@TempDir Path dir) throws Exception {
        try (NetworkNamespace ns = ns("rules"); NetworkNamespace ns2 = ns("rules2"); NftablesClient c = NftablesClient.open(ns.path());
             NftablesClient c2 = NftablesClient.open(ns2.path())) {
            c.apply(rules());
            TableContents listed = c.list(Family.IP, "rules").orElseThrow();
            String nft = ns.exec("nft", "list", "table", "ip", "rules");
            assertEquals(nft, listed.toString());
            assertEquals(30, listed.rules().size());
            assertTrue(listed.rules().stream().allMatch(r -> r.handle().isPresent()));
            assertTrue(nft.contains("numgen random mod 2 vmap { 0 : goto ep0, 1 : goto ep1 }"), nft);
            // the SDK's transaction text is a script nft accepts, and gives the same table
            Path script = dir.resolve("rules.nft");
            Files.writeString(script, rules().toString());
            ns2.exec("nft", "-f", script.toString());
            assertEquals(ns2.exec("nft", "list", "table", "ip", "rules"), c2.list(Family.IP, "rules").orElseThrow().toString());
            // a listed rule is deleted and replaced by its handle
            Rule first = listed.rules("ep1").get(0);
            c.apply(NftTransaction.create().delete(first));
            Rule counter = c.list(Family.IP, "rules").orElseThrow().rules("ep1").get(0);
            c.apply(NftTransaction.create().replace(Rule.in(counter.chain()).verdict(Verdict.ACCEPT).build().withHandle(counter.handle().orElseThrow())));
            assertEquals("accept", c.list(Family.IP, "rules").orElseThrow().rules("ep1").get(0).statements());
        }
    }

    @Test
    void limitLogAndNfprotoInAnInetTable() {
        Table inet = Table.of(Family.INET, "misc");
        Chain c = Chain.of(inet, "c");
        try (NetworkNamespace ns = ns("misc"); NftablesClient nft = NftablesClient.open(ns.path())) {
            nft.apply(NftTransaction.create().add(inet).add(c)
                    .add(Rule.in(c).limit(5, "second", 5, false).build())
                    .add(Rule.in(c).limit(10, "minute", 20, true).build())
                    .add(Rule.in(c).log("kp: ").build())
                    .add(Rule.in(c).match(Field.META_NFPROTO, "ipv4").verdict(Verdict.ACCEPT).build()));
            String listed = nft.list(Family.INET, "misc").orElseThrow().toString();
            assertEquals(ns.exec("nft", "list", "table", "inet", "misc"), listed);
            assertTrue(listed.contains("limit rate over 10/minute burst 20 packets") && listed.contains("log prefix \"kp: \"")
                    && listed.contains("meta nfproto ipv4 accept"), listed);
        }
    }

    @Test
    void aTransactionIsAllOrNothingAndErrorsAreTypedAndNamed() {
        try (NetworkNamespace ns = ns("atomic"); NftablesClient c = NftablesClient.open(ns.path())) {
            c.apply(NftTransaction.create().add(KP));
            NftSet ips = NftSet.set(KP, "ips", DataType.IPV4_ADDR);
            // the second operation fails (no such set): the first, in the same batch, is not applied either
            NftSet missing = NftSet.set(KP, "missing", DataType.IPV4_ADDR);
            NotFoundException e = assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().add(ips)
                    .addElements(missing, Element.of("10.0.0.1"))));
            assertTrue(e.getMessage().contains("add element ip kube-proxy missing { 10.0.0.1 }"), e.getMessage());
            assertTrue(c.list(Family.IP, "kube-proxy").orElseThrow().sets().isEmpty(), "nothing of the failed batch");
            c.apply(NftTransaction.create().add(ips));
            assertThrows(AlreadyExistsException.class, () -> c.apply(NftTransaction.create().create(ips)));
            // check validates without applying
            c.check(NftTransaction.create().addElements(ips, Element.of("10.0.0.1")));
            assertTrue(c.list(Family.IP, "kube-proxy").orElseThrow().sets().get(0).elements().isEmpty());
            assertThrows(NotFoundException.class, () -> c.check(NftTransaction.create().delete(Chain.of(KP, "nope"))));
            // destroy of a missing object is no error; delete is
            c.apply(NftTransaction.create().destroy(Chain.of(KP, "nope")));
            // bad input fails before anything is sent, naming the value
            InvalidInputException bad = assertThrows(InvalidInputException.class,
                    () -> NftTransaction.create().addElements(ips, Element.of("fd00::1")));
            assertTrue(bad.getMessage().contains("fd00::1"), bad.getMessage());
            assertThrows(InvalidInputException.class, () -> Chain.of(KP, "x".repeat(256)));
            c.apply(NftTransaction.create().delete(KP));
            assertFalse(c.list(Family.IP, "kube-proxy").isPresent());
        }
    }
}
