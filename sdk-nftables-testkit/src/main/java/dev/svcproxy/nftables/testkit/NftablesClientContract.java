// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Field;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.Rule;
import dev.svcproxy.nftables.SetContents;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.TableContents;
import dev.svcproxy.nftables.TableNames;
import dev.svcproxy.nftables.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit every {@link NftablesClient} passes: {@link FakeNftables} and the kernel client alike. A
 * user's own fake or adapter extends it and supplies {@link #client()}.
 */
public abstract class NftablesClientContract {
    /** The kit's table, {@code ip kit}. */
    protected static final Table T = Table.of(Family.IP, "kit");
    /** A set of IPv4 addresses in {@link #T}. */
    protected static final NftSet IPS = NftSet.set(T, "ips", DataType.IPV4_ADDR).withComment("addresses");
    /** A verdict map keyed by address, protocol and port in {@link #T}. */
    protected static final NftSet VMAP = NftSet.map(T, "vmap", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
            DataType.VERDICT);
    /** A regular chain in {@link #T}. */
    protected static final Chain SVC = Chain.of(T, "svc");

    /**
     * The client under test, on an empty ruleset, fresh for each test.
     *
     * @return a new client
     */
    protected abstract NftablesClient client();

    private static Set<String> keys(NftablesClient c, NftSet s) {
        return c.list(T.family(), T.name()).orElseThrow().sets().stream().filter(x -> x.set().name().equals(s.name()))
                .flatMap(x -> x.elements().stream()).map(e -> String.join(" . ", e.key())).collect(java.util.stream.Collectors.toSet());
    }

    private static NftTransaction base() {
        return NftTransaction.create().add(T).add(IPS).add(VMAP).add(SVC);
    }

    @Test
    void whatIsAddedIsListedBack() {
        NftablesClient c = client();
        c.apply(base().addElements(IPS, Element.of("10.0.0.1"), Element.of("10.0.0.2"))
                .addElements(VMAP, Element.of(List.of("10.0.0.1", "tcp", "80"), Verdict.goTo("svc")).withComment("web")));
        TableContents t = c.list(Family.IP, "kit").orElseThrow();
        assertEquals(List.of(IPS, VMAP), t.sets().stream().map(SetContents::set).toList());
        assertEquals(List.of(SVC), t.chains());
        assertEquals(Set.of("10.0.0.1", "10.0.0.2"), keys(c, IPS));
        Element e = t.sets().get(1).elements().get(0);
        assertEquals(List.of("10.0.0.1", "tcp", "80"), e.key());
        assertEquals(Verdict.goTo("svc"), e.verdict().orElseThrow());
        assertEquals("web", e.comment().orElseThrow());
        assertTrue(c.tables().contains(T));
        assertTrue(c.list(Family.IP6, "kit").isEmpty(), "tables are per family");
        c.apply(NftTransaction.create().add(Rule.in(SVC).notInValues(Field.IP_SADDR, List.of("10.0.0.0/8", "192.168.0.1")).verdict(Verdict.DROP).build()));
        TableNames names = c.names(Family.IP, "kit").orElseThrow();
        assertEquals(List.of("svc"), names.chains());
        assertEquals(List.of("ips", "vmap"), names.sets(), "named sets only: a rule's anonymous set is not one");
        assertTrue(c.names(Family.IP6, "kit").isEmpty());
    }

    @Test
    void aFailedTransactionAppliesNothing() {
        NftablesClient c = client();
        c.apply(NftTransaction.create().add(T));
        NftSet missing = NftSet.set(T, "missing", DataType.IPV4_ADDR);
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().add(IPS).addElements(missing, Element.of("10.0.0.1"))));
        assertTrue(c.list(Family.IP, "kit").orElseThrow().sets().isEmpty());
    }

    @Test
    void checkValidatesWithoutApplying() {
        NftablesClient c = client();
        c.apply(base());
        c.check(NftTransaction.create().addElements(IPS, Element.of("10.0.0.9")));
        assertTrue(keys(c, IPS).isEmpty());
        assertThrows(NotFoundException.class, () -> c.check(NftTransaction.create().delete(Chain.of(T, "nope"))));
    }

    @Test
    void createRefusesWhatExistsDeleteRefusesWhatIsMissingDestroyDoesNot() {
        NftablesClient c = client();
        c.apply(base().addElements(IPS, Element.of("10.0.0.1")));
        c.apply(base()); // add is idempotent
        assertThrows(AlreadyExistsException.class, () -> c.apply(NftTransaction.create().create(T)));
        assertThrows(AlreadyExistsException.class, () -> c.apply(NftTransaction.create().create(SVC)));
        assertThrows(AlreadyExistsException.class, () -> c.apply(NftTransaction.create().create(IPS)));
        assertThrows(AlreadyExistsException.class, () -> c.apply(NftTransaction.create().createElements(IPS, List.of(Element.of("10.0.0.1")))));
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().delete(Chain.of(T, "nope"))));
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().deleteElements(IPS, Element.of("10.0.0.7"))));
        c.apply(NftTransaction.create().destroy(Chain.of(T, "nope")).destroy(NftSet.set(T, "nope", DataType.IPV4_ADDR))
                .destroyElements(IPS, List.of(Element.of("10.0.0.7"))));
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().add(Chain.of(Table.of(Family.IP, "nope"), "x"))));
    }

    @Test
    void mapElementsNameExistingChainsAndKeepThemInUse() {
        NftablesClient c = client();
        c.apply(base());
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create()
                .addElements(VMAP, Element.of(List.of("10.0.0.1", "tcp", "80"), Verdict.goTo("no-such-chain")))));
        c.apply(NftTransaction.create().addElements(VMAP, Element.of(List.of("10.0.0.1", "tcp", "80"), Verdict.jump("svc"))));
        assertThrows(BusyException.class, () -> c.apply(NftTransaction.create().delete(SVC)));
        // the element goes and the chain with it, in one transaction
        c.apply(NftTransaction.create().deleteElements(VMAP, Element.of(List.of("10.0.0.1", "tcp", "80"), Verdict.jump("svc"))).delete(SVC));
        assertTrue(c.list(Family.IP, "kit").orElseThrow().chains().isEmpty());
    }

    @Test
    void flushEmptiesASetAndDeleteTableTakesEverything() {
        NftablesClient c = client();
        NftSet timed = NftSet.set(T, "timed", DataType.IPV4_ADDR).withTimeout(Duration.ofMinutes(5)).withFlags(NftSet.Flag.DYNAMIC);
        c.apply(base().add(timed).addElements(IPS, Element.of("10.0.0.1"), Element.of("10.0.0.2")));
        c.apply(NftTransaction.create().flush(IPS));
        assertTrue(keys(c, IPS).isEmpty());
        NftSet listed = c.list(Family.IP, "kit").orElseThrow().sets().get(2).set();
        assertEquals(timed, listed);
        assertEquals(Set.of(NftSet.Flag.DYNAMIC, NftSet.Flag.TIMEOUT), listed.flags());
        c.apply(NftTransaction.create().delete(T));
        assertFalse(c.list(Family.IP, "kit").isPresent());
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().delete(T)));
    }

    @Test
    void manyElementsTravelInOneTransaction() {
        NftablesClient c = client();
        List<Element> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(Element.of(List.of("10.96." + (i / 250) + "." + (i % 250 + 1), "tcp", "80"), Verdict.goTo("svc")));
        }
        c.apply(base().addElements(VMAP, many)); // more than one 64 KiB message
        assertEquals(5000, keys(c, VMAP).size());
    }

    @Test
    void rulesAreAppendedInsertedReplacedAndDeletedByHandle() {
        NftablesClient c = client();
        Chain other = Chain.of(T, "other");
        c.apply(base().add(other)
                .add(Rule.in(SVC).match(Field.IP_DADDR, "10.0.0.1").verdict(Verdict.ACCEPT).build())
                .add(Rule.in(SVC).inSet(IPS, Field.IP_SADDR).verdict(Verdict.jump("other")).comment("known").build())
                .insert(Rule.in(SVC).counter().build()));
        List<Rule> rules = c.list(Family.IP, "kit").orElseThrow().rules("svc");
        assertEquals(List.of("counter packets 0 bytes 0", "ip daddr 10.0.0.1 accept", "ip saddr @ips jump other comment \"known\""),
                rules.stream().map(Rule::statements).toList());
        c.apply(NftTransaction.create().replace(Rule.in(SVC).verdict(Verdict.DROP).build().withHandle(rules.get(1).handle().orElseThrow()))
                .delete(rules.get(0)));
        assertEquals(List.of("drop", "ip saddr @ips jump other comment \"known\""),
                c.list(Family.IP, "kit").orElseThrow().rules("svc").stream().map(Rule::statements).toList());
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create().delete(rules.get(0))), "already deleted");
        c.apply(NftTransaction.create().flush(SVC));
        assertTrue(c.list(Family.IP, "kit").orElseThrow().rules().isEmpty());
    }

    @Test
    void rulesNameExistingChainsAndSetsAndKeepThemInUse() {
        NftablesClient c = client();
        c.apply(base());
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create()
                .add(Rule.in(SVC).verdict(Verdict.jump("no-such-chain")).build())));
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create()
                .add(Rule.in(SVC).inSet(NftSet.set(T, "no-such-set", DataType.IPV4_ADDR), Field.IP_SADDR).verdict(Verdict.ACCEPT).build())));
        assertThrows(NotFoundException.class, () -> c.apply(NftTransaction.create()
                .add(Rule.in(Chain.of(T, "no-such-chain")).verdict(Verdict.ACCEPT).build())));
        Chain other = Chain.of(T, "other");
        c.apply(NftTransaction.create().add(other).add(Rule.in(SVC).inSet(IPS, Field.IP_SADDR).verdict(Verdict.goTo("other")).build()));
        assertThrows(BusyException.class, () -> c.apply(NftTransaction.create().delete(other)), "a rule jumps to it");
        assertThrows(BusyException.class, () -> c.apply(NftTransaction.create().delete(IPS)), "a rule looks it up");
        // deleting the chain takes its rules with it (the kernel deletes recursively), which frees what they named
        c.apply(NftTransaction.create().delete(SVC).delete(other).delete(IPS));
        assertTrue(c.list(Family.IP, "kit").orElseThrow().chains().isEmpty());
    }

    @Test
    void anInlineVerdictMapTravelsWithItsRule() {
        NftablesClient c = client();
        Chain a = Chain.of(T, "a");
        Chain b = Chain.of(T, "b");
        c.apply(base().add(a).add(b).add(Rule.in(SVC).numgenVmap(List.of(Verdict.goTo("a"), Verdict.goTo("b"))).build()));
        Rule r = c.list(Family.IP, "kit").orElseThrow().rules("svc").get(0);
        assertEquals("numgen random mod 2 vmap { 0 : goto a, 1 : goto b }", r.statements());
        assertTrue(c.list(Family.IP, "kit").orElseThrow().sets().stream().noneMatch(s -> s.set().name().startsWith("__")),
                "an anonymous map is not listed as a set");
    }

    @Test
    void intervalSetsHoldPrefixesAndRangesAndLoseThemWhole() {
        NftablesClient c = client();
        NftSet ranges = NftSet.set(T, "ranges", DataType.IPV4_ADDR).withFlags(NftSet.Flag.INTERVAL);
        c.apply(NftTransaction.create().add(T).add(ranges)
                .addElements(ranges, Element.of("10.1.2.3/8"), Element.of("192.168.0.1-192.168.0.9"), Element.of("172.16.0.1")));
        assertEquals(Set.of("10.0.0.0/8", "192.168.0.1-192.168.0.9", "172.16.0.1"), keys(c, ranges), "a prefix is stored canonical");
        c.apply(NftTransaction.create().deleteElements(ranges, Element.of("10.0.0.0/8")));
        assertEquals(Set.of("192.168.0.1-192.168.0.9", "172.16.0.1"), keys(c, ranges));
        assertThrows(dev.svcproxy.api.InvalidInputException.class, () -> NftTransaction.create().addElements(ranges, Element.of("10.0.0.9-10.0.0.1")));
    }
}
