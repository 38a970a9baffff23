// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.TransactionFailedException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * render -> kernel -> iptables-save -> parse -> equal, for every match and target the SDK models, on both
 * flavours and both families; and a refusal the kernel reports by line number names the rule.
 */
@Tag("kernel")
class KernelRoundTripTest {

    static List<Rule> natRules(IpFamily f) {
        boolean v4 = f == IpFamily.IPV4;
        String pod = v4 ? "10.244.0.5" : "fd00:10:244::5";
        String cidr = v4 ? "10.0.0.0/8" : "fd00::/8";
        return List.of(
                Rule.in("KUBE-RT").comment("ns1/svc1:p80 cluster IP").protocolModule(Protocol.TCP)
                        .destination(v4 ? "172.30.0.41" : "fd00:172:30::41").dport(80).notSource(cidr).jump("KUBE-MARK-MASQ"),
                Rule.in("KUBE-RT").comment("ns1/svc1:p80 -> " + pod).probability(1.0 / 3).jump("KUBE-MARK-MASQ"),
                Rule.in("KUBE-RT").probability(1.0 / 6).returns(),
                Rule.in("KUBE-RT").match(Match.nth(3, 1)).returns(),
                Rule.in("KUBE-RT").match(Match.recentCheck("KUBE-SEP-X", 10800)).jump("KUBE-MARK-MASQ"),
                Rule.in("KUBE-RT").comment("ns1/svc1:p80").protocolModule(Protocol.TCP).match(Match.recentSet("KUBE-SEP-X"))
                        .dnat(v4 ? pod + ":8080" : "[" + pod + "]:8080"),
                Rule.in("KUBE-RT").protocolModule(Protocol.UDP).dnat(v4 ? pod + ":53" : "[" + pod + "]:53"),
                Rule.in("KUBE-RT").protocolModule(Protocol.SCTP).sport(1000).dport(2000).returns(),
                Rule.in("KUBE-RT").protocol(Protocol.TCP).match(new Match.Ports(Match.Direction.DESTINATION,
                        new Match.PortRange(30000, 32767), true)).returns(),
                Rule.in("KUBE-RT").protocol(Protocol.TCP).dports(80, 443).returns(),
                Rule.in("KUBE-RT").dstType(Match.AddrType.LOCAL).notDstType(Match.AddrType.LOCAL).returns(),
                Rule.in("KUBE-RT").match(new Match.AddrTypes(Optional.of(Match.AddrType.LOCAL), true,
                        Optional.of(Match.AddrType.UNICAST), false)).returns(),
                Rule.in("KUBE-RT").inInterface("eth+").outInterface("cbr0").returns(),
                Rule.in("KUBE-RT").comment("quotes \" and ' and \\ and tabs\tare fine").returns(),
                Rule.in("KUBE-RT").notMark(0x4000, 0x4000).returns(),
                Rule.in("KUBE-RT").mark(0x1, 0xffffffffL).returns(),
                Rule.in("KUBE-RT").orMark(0x4000),
                Rule.in("KUBE-RT").xorMark(0x4000),
                Rule.in("KUBE-RT").target(new Target.MarkTarget(Target.MarkOp.SET, 0x10, 0xffffffffL)),
                Rule.in("KUBE-RT").target(new Target.MarkTarget(Target.MarkOp.AND, 0xff, 0)),
                Rule.in("KUBE-RT").masquerade(true),
                Rule.in("KUBE-RT").protocol(Protocol.UDP).target(new Target.Masquerade(false, 1000, 2000)),
                Rule.in("KUBE-RT").protocol(Protocol.UDP).target(new Target.Snat(IpAddress.parse(v4 ? "1.2.3.4" : "fd00::1"), 100, 200, true)),
                Rule.in("KUBE-RT").gotoChain("KUBE-MARK-MASQ"),
                Rule.in("KUBE-RT").comment("other traffic to ns/svc will be dropped by KUBE-PROXY-FIREWALL").noTarget(),
                Rule.in("KUBE-RT").matchSet("KUBE-LOOP-BACK", Match.Direction.DESTINATION, Match.Direction.DESTINATION,
                        Match.Direction.SOURCE).masquerade(false),
                Rule.in("KUBE-RT").nfacct("svcp_rt_counter").returns());
    }

    static List<Rule> filterRules(IpFamily f) {
        return List.of(
                Rule.in("KUBE-RT").ctstate(Match.CtState.INVALID).drop(),
                Rule.in("KUBE-RT").notCtstate(Match.CtState.RELATED, Match.CtState.ESTABLISHED, Match.CtState.DNAT).reject(),
                Rule.in("KUBE-RT").protocol(Protocol.TCP).reject("tcp-reset"),
                Rule.in("KUBE-RT").reject(f == IpFamily.IPV4 ? "icmp-port-unreachable" : "icmp6-port-unreachable"),
                Rule.in("KUBE-RT").match(new Match.Physdev(List.of(new Match.PhysdevOption("physdev-is-in", Optional.empty(), true)))).accept(),
                Rule.in("KUBE-RT").match(new Match.Physdev(List.of(new Match.PhysdevOption("physdev-in", Optional.of("veth0"), false),
                        new Match.PhysdevOption("physdev-is-bridged", Optional.empty(), false)))).accept());
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"NFT", "LEGACY"})
    void everyModelledRuleSurvivesTheKernelV4(Flavour flavour) {
        roundTrip(flavour, IpFamily.IPV4);
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"NFT", "LEGACY"})
    void everyModelledRuleSurvivesTheKernelV6(Flavour flavour) {
        roundTrip(flavour, IpFamily.IPV6);
    }

    private void roundTrip(Flavour flavour, IpFamily family) {
        try (NetworkNamespace ns = KernelNamespace.create()) {
            ns.exec("ipset", "create", "KUBE-LOOP-BACK", "hash:ip,port,ip", "family", family == IpFamily.IPV4 ? "inet" : "inet6");
            ns.exec("nfacct", "add", "svcp_rt_counter");
            IptablesClient c = IptablesClient.newBuilder().family(family).netns(ns.path()).flavour(flavour).build();
            assertEquals(flavour, c.flavour());
            assertTrue(c.capabilities().randomFully(), c.capabilities().toString());
            IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-RT").flushChain(Table.NAT, "KUBE-MARK-MASQ")
                    .flushChain(Table.FILTER, "KUBE-RT");
            natRules(family).forEach(r -> tx.append(Table.NAT, r));
            filterRules(family).forEach(r -> tx.append(Table.FILTER, r));
            c.apply(tx);
            Ruleset saved = c.save(Table.NAT, Table.FILTER);
            assertEquals(natRules(family).stream().map(r -> r.normalize(family)).toList(),
                    saved.rules(Table.NAT, "KUBE-RT").stream().map(r -> r.normalize(family)).toList());
            assertEquals(filterRules(family).stream().map(r -> r.normalize(family)).toList(),
                    saved.rules(Table.FILTER, "KUBE-RT").stream().map(r -> r.normalize(family)).toList());
            // our iptables-save rendering of the normalised rules is what the kernel's tool prints
            String text = ns.exec(flavour == Flavour.NFT ? (family == IpFamily.IPV4 ? "iptables-nft-save" : "ip6tables-nft-save")
                    : (family == IpFamily.IPV4 ? "iptables-legacy-save" : "ip6tables-legacy-save"));
            for (String line : saved.only("KUBE-RT").render().split("\n")) {
                if (line.startsWith("-A KUBE-RT") && !line.contains("nfacct")) {
                    assertTrue(text.contains(line), "kernel did not print:\n" + line + "\nin:\n" + text);
                }
            }
        }
    }

    /** With {@code filler} rules before the bad one: 2,500 make the client write the payload to a file for the tool. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"NFT, 0", "LEGACY, 0", "NFT, 2500", "LEGACY, 2500"})
    void aRuleTheKernelRefusesIsNamedAndNothingIsApplied(Flavour flavour, int filler) {
        try (NetworkNamespace ns = KernelNamespace.create()) {
            IptablesClient c = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
            Rule bad = Rule.in("KUBE-GOOD").matchSet("NO-SUCH-SET", Match.Direction.DESTINATION).accept();
            IptablesTransaction tx = c.newTransaction().flushChain(Table.FILTER, "KUBE-GOOD")
                    .append(Table.FILTER, Rule.in("KUBE-GOOD").comment("fine").accept());
            for (int i = 0; i < filler; i++) {
                tx.append(Table.FILTER, Rule.in("KUBE-GOOD").comment("filler " + i).accept());
            }
            tx.append(Table.FILTER, bad)
                    .append(Table.FILTER, Rule.in("KUBE-GOOD").comment("also fine").drop());
            RestoreRefusedException e = assertThrows(RestoreRefusedException.class, () -> c.apply(tx));
            assertEquals("filter: " + bad.render(IpFamily.IPV4), e.operation().orElse(""), e.getMessage());
            assertEquals(bad, ((IptablesTransaction.Append) e.failedOperation().orElseThrow()).rule());
            assertFalse(e.kernelMessage().isBlank());
            assertFalse(c.chainExists(Table.FILTER, ChainName.of("KUBE-GOOD")), "nothing may be half-applied");
            assertThrows(TransactionFailedException.class, () -> c.check(tx));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"NFT", "LEGACY"})
    void theCanarySeesAnExternalFlush(Flavour flavour) {
        try (NetworkNamespace ns = KernelNamespace.create()) {
            IptablesClient c = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
            ChainName canary = ChainName.of("KUBE-PROXY-CANARY");
            c.createCanary(canary, Table.MANGLE, Table.NAT, Table.FILTER);
            assertTrue(c.canaryExists(canary, Table.MANGLE));
            String tool = flavour == Flavour.NFT ? "iptables-nft" : "iptables-legacy";
            ns.sh(tool + " -t mangle -F && " + tool + " -t mangle -X"); // what a firewall reload does
            assertFalse(c.canaryExists(canary, Table.MANGLE));
            assertTrue(c.canaryExists(canary, Table.NAT));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"NFT", "LEGACY"})
    void theFakeDumpsWhatTheKernelDumps(Flavour flavour) {
        try (NetworkNamespace ns = KernelNamespace.create()) {
            IptablesClient kernel = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
            FakeIptables fake = new FakeIptables(IpFamily.IPV4);
            for (IptablesClient c : List.of(kernel, fake)) {
                IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-RT").flushChain(Table.NAT, "KUBE-MARK-MASQ")
                        .flushChain(Table.FILTER, "KUBE-RT");
                natRules(IpFamily.IPV4).stream().filter(r -> r.matches().stream().noneMatch(m -> m instanceof Match.SetMatch
                        || m instanceof Match.Nfacct)).forEach(r -> tx.append(Table.NAT, r));
                filterRules(IpFamily.IPV4).forEach(r -> tx.append(Table.FILTER, r));
                c.apply(tx);
            }
            assertEquals(kernel.save().only("KUBE-").render(), fake.save().only("KUBE-").render());
            // and the kernel's own text, parsed, equals the fake's state
            String text = ns.exec(flavour == Flavour.NFT ? "iptables-nft-save" : "iptables-legacy-save");
            assertEquals(fake.save().only("KUBE-"), Ruleset.parse(text, IpFamily.IPV4).normalize().only("KUBE-"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"NFT", "LEGACY"})
    void theTracerAgreesWithTheKernelStateItReads(Flavour flavour) {
        try (NetworkNamespace ns = KernelNamespace.create()) {
            IptablesClient c = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
            c.apply(c.newTransaction().flushChain(Table.NAT, "KUBE-SERVICES").flushChain(Table.NAT, "KUBE-SEP-A")
                    .append(Table.NAT, Rule.in("KUBE-SERVICES").protocolModule(Protocol.TCP).destination("10.96.0.1")
                            .dport(443).jump("KUBE-SEP-A"))
                    .append(Table.NAT, Rule.in("KUBE-SEP-A").protocolModule(Protocol.TCP).dnat("192.168.0.10:6443")));
            c.ensureRule(Table.NAT, Rule.in("OUTPUT").jump("KUBE-SERVICES"), true);
            PacketTracer.Trace t = new PacketTracer(c.save(), Set.of()).trace(
                    PacketTracer.Packet.local("10.0.0.2", "10.96.0.1", Protocol.TCP, 443));
            assertEquals("192.168.0.10:6443", t.dnat().orElseThrow().toString());
            assertEquals(3, t.steps().size(), t.steps().toString());
        }
    }
}
