// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IptablesTransactionTest {

    private static IptablesTransaction tx() {
        return IptablesTransaction.create(IpFamily.IPV4);
    }

    @Test
    void rendersOnePayloadPerTableInKubeProxysOrder() {
        IptablesTransaction tx = tx()
                .flushChain(Table.FILTER, "KUBE-FORWARD")
                .append(Table.FILTER, Rule.in("KUBE-FORWARD").ctstate(Match.CtState.INVALID).drop())
                .flushChain(Table.NAT, "KUBE-SERVICES")
                .append(Table.NAT, Rule.in("KUBE-SERVICES").comment("x").jump("KUBE-SVC-A"))
                .flushChain(Table.NAT, "KUBE-SVC-A")
                .insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SERVICES"))
                .deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD"));
        assertEquals("""
                *filter
                :KUBE-FORWARD - [0:0]
                -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
                COMMIT
                *nat
                :KUBE-SERVICES - [0:0]
                :KUBE-SVC-A - [0:0]
                :KUBE-SEP-OLD - [0:0]
                -A KUBE-SERVICES -m comment --comment x -j KUBE-SVC-A
                -I PREROUTING 1 -j KUBE-SERVICES
                -X KUBE-SEP-OLD
                COMMIT
                """, tx.render());
        assertEquals("-A KUBE-SERVICES -m comment --comment x -j KUBE-SVC-A", tx.atLine(9).orElseThrow().toString());
        assertEquals("-X KUBE-SEP-OLD", tx.atLine(11).orElseThrow().toString());
        assertTrue(tx.atLine(1).isEmpty() && tx.atLine(4).isEmpty() && tx.atLine(5).isEmpty() && tx.atLine(12).isEmpty()
                && tx.atLine(13).isEmpty(), "table and COMMIT lines, and past the end, hold no operation");
        assertEquals(":KUBE-FORWARD - [0:0]", tx.atLine(2).orElseThrow().toString());
        assertEquals(tx.render().length(), tx.renderedLength());
        assertEquals(Map.of(), tx.externalChains());
    }

    /**
     * For iptables-legacy, chain lines in descending name order (what it inserts cheapest), line numbers too; for
     * iptables-nft, the payload's order.
     */
    @Test
    void declaresInTheOrderTheFlavourTakesCheapest() {
        IptablesTransaction tx = tx()
                .flushChain(Table.NAT, "KUBE-SERVICES")
                .flushChain(Table.NAT, "KUBE-SVC-A")
                .flushChain(Table.NAT, "KUBE-SEP-B")
                .append(Table.NAT, Rule.in("KUBE-SVC-A").jump("KUBE-SEP-B"))
                .deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD"))
                .orderFor(Flavour.LEGACY);
        assertEquals("""
                *nat
                :KUBE-SVC-A - [0:0]
                :KUBE-SERVICES - [0:0]
                :KUBE-SEP-OLD - [0:0]
                :KUBE-SEP-B - [0:0]
                -A KUBE-SVC-A -j KUBE-SEP-B
                -X KUBE-SEP-OLD
                COMMIT
                """, tx.render());
        assertEquals(":KUBE-SEP-B - [0:0]", tx.atLine(5).orElseThrow().toString());
        assertEquals("-A KUBE-SVC-A -j KUBE-SEP-B", tx.atLine(6).orElseThrow().toString());
        assertEquals("""
                *nat
                :KUBE-SERVICES - [0:0]
                :KUBE-SVC-A - [0:0]
                :KUBE-SEP-B - [0:0]
                :KUBE-SEP-OLD - [0:0]
                -A KUBE-SVC-A -j KUBE-SEP-B
                -X KUBE-SEP-OLD
                COMMIT
                """, tx.orderFor(Flavour.NFT).render());
    }

    /**
     * What a lastly callback adds is written at the end of its table's block, while the rest is already on its way to
     * the tool; it runs once, and the line numbers of a refusal name its operations too.
     */
    @Test
    void aLastlyCallbackEndsItsTablesBlockOnce() throws java.io.IOException {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        StringBuilder seenWhenCalled = new StringBuilder();
        StringBuilder out = new StringBuilder();
        IptablesTransaction tx = tx()
                .flushChain(Table.NAT, "KUBE-SERVICES")
                .append(Table.NAT, Rule.in("KUBE-SERVICES").comment("x").jump("KUBE-MARK-MASQ"))
                .flushChain(Table.NAT, "KUBE-MARK-MASQ")
                .flushChain(Table.FILTER, "KUBE-FORWARD")
                .lastly(Table.NAT, t -> {
                    runs.incrementAndGet();
                    seenWhenCalled.append(out);
                    t.deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD")).insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SERVICES"));
                });
        assertEquals(Map.of(), tx.externalChains(), "the operations before the callback are checked without running it");
        assertEquals(0, runs.get());
        tx.renderTo(out);
        assertEquals("""
                *nat
                :KUBE-SERVICES - [0:0]
                :KUBE-MARK-MASQ - [0:0]
                -A KUBE-SERVICES -m comment --comment x -j KUBE-MARK-MASQ
                """, seenWhenCalled.toString(), "called when the nat block's own lines are written, before its COMMIT");
        assertEquals("""
                *nat
                :KUBE-SERVICES - [0:0]
                :KUBE-MARK-MASQ - [0:0]
                -A KUBE-SERVICES -m comment --comment x -j KUBE-MARK-MASQ
                :KUBE-SEP-OLD - [0:0]
                -I PREROUTING 1 -j KUBE-SERVICES
                -X KUBE-SEP-OLD
                COMMIT
                *filter
                :KUBE-FORWARD - [0:0]
                COMMIT
                """, out.toString());
        assertEquals(out.toString(), tx.render());
        assertEquals(1, runs.get(), "once");
        assertEquals("-I PREROUTING 1 -j KUBE-SERVICES", tx.atLine(6).orElseThrow().toString());
        assertEquals("-X KUBE-SEP-OLD", tx.atLine(7).orElseThrow().toString());
        assertEquals(6, tx.orderedOperations(Table.NAT).size());
        assertThrows(IllegalStateException.class, () -> tx.lastly(Table.NAT, t -> { }));
        assertThrows(IllegalStateException.class, () -> tx.flushChain(Table.FILTER, "KUBE-LATE"),
                "once the callback has run, nothing more is added (it would not be written)");
    }

    /**
     * A callback may set the next one: what the first added is written (and flushed to the tool) before the second
     * runs, as a full sync builds its rules in the first and waits for its reads in the second.
     */
    @Test
    void aLastlyCallbackMaySetTheNextWhichRunsOnceTheFirstsLinesAreWritten() throws java.io.IOException {
        StringBuilder seenBySecond = new StringBuilder();
        java.io.StringWriter out = new java.io.StringWriter();
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        java.io.Writer counting = new java.io.FilterWriter(out) {
            @Override
            public void flush() throws java.io.IOException {
                flushes.incrementAndGet();
                super.flush();
            }
        };
        IptablesTransaction tx = tx().lastly(Table.NAT, t -> t.flushChain(Table.NAT, "KUBE-SERVICES")
                .flushChain(Table.FILTER, "KUBE-FORWARD")
                .lastly(Table.NAT, u -> {
                    seenBySecond.append(out);
                    u.insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SERVICES"));
                }));
        tx.renderTo(counting);
        assertEquals("*nat\n:KUBE-SERVICES - [0:0]\n", seenBySecond.toString());
        assertEquals(2, flushes.get(), "flushed before each callback");
        String payload = """
                *nat
                :KUBE-SERVICES - [0:0]
                -I PREROUTING 1 -j KUBE-SERVICES
                COMMIT
                *filter
                :KUBE-FORWARD - [0:0]
                COMMIT
                """;
        assertEquals(payload, out.toString());
        assertEquals(payload, tx.render(), "rendered again, the same");
        assertEquals("-I PREROUTING 1 -j KUBE-SERVICES", tx.atLine(3).orElseThrow().toString());
        assertThrows(IllegalStateException.class, () -> tx.lastly(Table.NAT, t -> { }), "not once they have run");
        assertThrows(IllegalStateException.class, () -> tx().lastly(Table.NAT, t -> t.lastly(Table.FILTER, u -> { })).complete(),
                "the next callback is for the same table");
    }

    @Test
    void aLastlyCallbackRunsWhenTheOperationsAreReadAndEndsTheBlocksOfTheOtherTablesToo() {
        IptablesTransaction tx = tx().flushChain(Table.NAT, "KUBE-SERVICES")
                .lastly(Table.NAT, t -> t.append(Table.NAT, Rule.in("KUBE-SERVICES").jump("KUBE-SERVICES-X")));
        assertEquals(1, tx.declaredChains(Table.NAT).size());
        assertEquals(2, tx.operations().size(), "reading the operations runs the callback");
        IptablesTransaction other = tx().flushChain(Table.FILTER, "KUBE-FORWARD").flushChain(Table.NAT, "KUBE-SERVICES")
                .append(Table.FILTER, Rule.in("KUBE-FORWARD").accept())
                .lastly(Table.NAT, t -> t.insert(Table.FILTER, Rule.in("FORWARD").jump("KUBE-FORWARD"))
                        .flushChain(Table.MANGLE, "KUBE-IPTABLES-HINT"));
        String payload = other.render();
        assertEquals("""
                *nat
                :KUBE-SERVICES - [0:0]
                COMMIT
                *filter
                :KUBE-FORWARD - [0:0]
                -A KUBE-FORWARD -j ACCEPT
                -I FORWARD 1 -j KUBE-FORWARD
                COMMIT
                *mangle
                :KUBE-IPTABLES-HINT - [0:0]
                COMMIT
                """, payload, "the callback's filter rule ends filter's block; a table only it writes comes after");
        assertEquals("-I FORWARD 1 -j KUBE-FORWARD", other.atLine(7).orElseThrow().toString());
        assertEquals(List.of(":KUBE-FORWARD - [0:0]", "-A KUBE-FORWARD -j ACCEPT", "-I FORWARD 1 -j KUBE-FORWARD"),
                other.orderedOperations(Table.FILTER).stream().map(Object::toString).toList());
        assertTrue(tx().lastly(Table.NAT, t -> { }).complete().isEmpty(), "a callback that adds nothing leaves it empty");
    }

    /**
     * A full sync over rules in use, in parts: each chain whole (flush and rules) in one part, after the chains it jumps
     * to; entries and deletions of stale chains last.
     */
    @Test
    void splitsByWholeChainsLeavesFirst() {
        IptablesTransaction tx = tx().flushChain(Table.NAT, "KUBE-SERVICES").insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SERVICES"));
        for (int i = 0; i < 3; i++) {
            tx.flushChain(Table.NAT, "KUBE-SVC-" + i).append(Table.NAT, Rule.in("KUBE-SERVICES").comment("s" + i).jump("KUBE-SVC-" + i))
                    .flushChain(Table.NAT, "KUBE-SEP-" + i).append(Table.NAT, Rule.in("KUBE-SVC-" + i).jump("KUBE-SEP-" + i))
                    .append(Table.NAT, Rule.in("KUBE-SEP-" + i).jump("KUBE-MARK-MASQ"));
        }
        tx.flushChain(Table.NAT, "KUBE-MARK-MASQ").append(Table.NAT, Rule.in("KUBE-MARK-MASQ").returns())
                .deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD"));
        java.util.List<IptablesTransaction> parts = tx.splitByChain(4);
        java.util.List<String> order = new java.util.ArrayList<>();
        for (IptablesTransaction p : parts) {
            assertTrue(p.operations().size() <= 4, p.render());
            java.util.Set<String> flushedHere = new java.util.HashSet<>();
            for (IptablesTransaction.Op op : p.operations()) {
                if (op instanceof IptablesTransaction.FlushChain f) {
                    flushedHere.add(f.chain().name());
                    order.add(f.chain().name());
                } else if (op instanceof IptablesTransaction.Append a) {
                    assertTrue(flushedHere.contains(a.rule().chain().name()), "a chain's rules travel with its flush: " + p.render());
                }
            }
            assertEquals(Map.of(), p.externalChains(), "each part knows every chain of the transaction");
        }
        assertTrue(order.indexOf("KUBE-MARK-MASQ") < order.indexOf("KUBE-SEP-0"), order.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(order.indexOf("KUBE-SEP-" + i) < order.indexOf("KUBE-SVC-" + i), "endpoint chain before its service chain: " + order);
            assertTrue(order.indexOf("KUBE-SVC-" + i) < order.indexOf("KUBE-SERVICES"), "service chain before KUBE-SERVICES: " + order);
        }
        IptablesTransaction last = parts.get(parts.size() - 1);
        assertEquals(java.util.List.of("-I PREROUTING 1 -j KUBE-SERVICES", "-X KUBE-SEP-OLD"),
                last.operations().stream().map(Object::toString).toList(), "entries, then deletions, last");
        java.util.List<String> all = new java.util.ArrayList<>();
        parts.forEach(p -> p.operations().forEach(op -> all.add(op.toString())));
        assertEquals(tx.operations().size(), all.size());
        assertEquals(new java.util.TreeSet<>(tx.operations().stream().map(Object::toString).toList()), new java.util.TreeSet<>(all));
        assertEquals(1, tx().flushChain(Table.NAT, "KUBE-BIG").append(Table.NAT, Rule.in("KUBE-BIG").jump("KUBE-MARK-MASQ"))
                .append(Table.NAT, Rule.in("KUBE-BIG").returns()).splitByChain(1).size(), "a chain larger than a part stays whole");

        // a chain larger than a part (KUBE-SERVICES of a large cluster) starts one that small chains after it may join,
        // up to an eighth of a part more: one restore call fewer
        IptablesTransaction big = tx().flushChain(Table.NAT, "KUBE-A").append(Table.NAT, Rule.in("KUBE-A").returns())
                .flushChain(Table.NAT, "KUBE-BIG");
        for (int i = 0; i < 19; i++) {
            big.append(Table.NAT, Rule.in("KUBE-BIG").comment("r" + i).returns());
        }
        big.flushChain(Table.NAT, "KUBE-C").append(Table.NAT, Rule.in("KUBE-C").returns())
                .flushChain(Table.NAT, "KUBE-D").append(Table.NAT, Rule.in("KUBE-D").returns());
        assertEquals(java.util.List.of(2, 22, 2), big.splitByChain(16).stream().map(p -> p.operations().size()).toList(),
                "KUBE-A; KUBE-BIG (20) with KUBE-C (2), up to 16 / 8 more; KUBE-D");
    }

    /**
     * What is left once some operations were applied another way: the others in order, knowing the chains made
     * meanwhile and those the transaction knew; callbacks run one at a time, their operations seen as they come.
     */
    @Test
    void theRestKeepsTheOtherOperationsAndKnowsWhatWasMade() {
        IptablesTransaction tx = tx().knownToExist(Table.NAT, List.of(ChainName.of("KUBE-MARK-DROP")))
                .flushChain(Table.NAT, "KUBE-SVC-A").append(Table.NAT, Rule.in("KUBE-SVC-A").jump("KUBE-MARK-DROP"));
        tx.lastly(Table.NAT, t -> t.flushChain(Table.NAT, "KUBE-SVC-B").append(Table.NAT, Rule.in("KUBE-SVC-B").jump("KUBE-SVC-A"))
                .lastly(Table.NAT, u -> u.insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SVC-B"))));
        assertEquals(2, tx.operationsSoFar().size(), "a pending callback has not run");
        assertTrue(tx.completeNext());
        assertEquals(4, tx.operationsSoFar().size(), "the first callback's operations, at the end");
        assertTrue(tx.completeNext(), "the callback it set");
        assertEquals(false, tx.completeNext(), "none left");
        java.util.BitSet done = new java.util.BitSet();
        done.set(0, 4); // both chains and their rules, written another way
        IptablesTransaction rest = tx.rest(done, Table.NAT, List.of(ChainName.of("KUBE-SVC-A"), ChainName.of("KUBE-SVC-B")));
        assertEquals(List.of("-I PREROUTING 1 -j KUBE-SVC-B"), rest.operations().stream().map(Object::toString).toList());
        assertEquals(Map.of(), rest.externalChains(), "it knows the chains made meanwhile");
        IptablesTransaction partly = tx.rest(new java.util.BitSet(), Table.NAT, List.of());
        assertEquals(tx.operations(), partly.operations(), "nothing done: the same operations");
        assertEquals(Map.of(), partly.externalChains(), "and the chains the transaction knew");
    }

    /** A first load in parts: declarations, the own chains' rules in order and in parts, then the built-in chains' entries. */
    @Test
    void splitsIntoDeclarationsRulePartsAndEntriesLast() {
        IptablesTransaction tx = tx().flushChain(Table.NAT, "KUBE-SERVICES").insert(Table.NAT, Rule.in("PREROUTING").jump("KUBE-SERVICES"));
        for (int i = 0; i < 5; i++) {
            tx.flushChain(Table.NAT, "KUBE-SVC-" + i).append(Table.NAT, Rule.in("KUBE-SERVICES").comment("s" + i).jump("KUBE-SVC-" + i))
                    .append(Table.NAT, Rule.in("KUBE-SVC-" + i).comment("r" + i).jump("KUBE-MARK-MASQ"));
        }
        tx.flushChain(Table.NAT, "KUBE-MARK-MASQ").deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD"));
        java.util.List<IptablesTransaction> parts = tx.split(4);
        assertEquals(java.util.List.of(4, 3, 4, 4, 2, 2), parts.stream().map(p -> p.operations().size()).toList());
        assertEquals(java.util.List.of(2, 2, 2, 1, 4, 4, 2, 2), tx.split(2, 4).stream().map(p -> p.operations().size()).toList(),
                "declarations in parts of their own size");
        assertTrue(parts.subList(0, 2).stream().allMatch(p -> p.operations().stream().allMatch(op -> op instanceof IptablesTransaction.FlushChain)),
                "declarations first, in parts too");
        assertEquals("-I PREROUTING 1 -j KUBE-SERVICES", parts.get(5).operations().get(0).toString(), "the entry comes last");
        assertEquals("-X KUBE-SEP-OLD", parts.get(5).operations().get(1).toString());
        assertEquals(java.util.List.of("-A KUBE-SERVICES -m comment --comment s0 -j KUBE-SVC-0", "-A KUBE-SVC-0 -m comment --comment r0"
                + " -j KUBE-MARK-MASQ"), parts.get(2).operations().stream().limit(2).map(Object::toString).toList(), "rules keep their order");
        for (IptablesTransaction p : parts) {
            assertEquals(Map.of(), p.externalChains(), "each part knows the chains the first one makes");
        }
        java.util.List<String> all = new java.util.ArrayList<>();
        parts.forEach(p -> p.operations().forEach(op -> all.add(op.toString())));
        java.util.List<String> original = tx.operations().stream().map(Object::toString).toList();
        assertEquals(new java.util.TreeSet<>(original), new java.util.TreeSet<>(all));
        assertEquals(original.size(), all.size());
    }

    @Test
    void chainsNeitherDeclaredNorBuiltInAreReportedForTheClientToCheck() {
        IptablesTransaction tx = tx().append(Table.NAT, Rule.in("KUBE-EXISTING").jump("KUBE-OTHER"));
        assertEquals(2, tx.externalChains().get(Table.NAT).size());
    }

    @Test
    void refusesWhatTheKernelWouldRefuse() {
        InvalidInputException twice = assertThrows(InvalidInputException.class,
                () -> tx().flushChain(Table.NAT, "KUBE-A").flushChain(Table.NAT, "KUBE-A"));
        assertTrue(twice.getMessage().contains("nat/KUBE-A") && twice.getMessage().contains("twice"), twice.getMessage());
        assertThrows(InvalidInputException.class, () -> tx().flushChain(Table.NAT, "PREROUTING"));
        assertThrows(InvalidInputException.class, () -> tx().deleteChain(Table.FILTER, ChainName.of("INPUT")));
        InvalidInputException referenced = assertThrows(InvalidInputException.class, () -> tx()
                .flushChain(Table.NAT, "KUBE-A").append(Table.NAT, Rule.in("KUBE-A").jump("KUBE-B"))
                .deleteChain(Table.NAT, ChainName.of("KUBE-B")));
        assertTrue(referenced.getMessage().contains("still jumps"), referenced.getMessage());
        assertThrows(InvalidInputException.class, () -> tx().append(Table.NAT, Rule.in("X").drop()));
        assertThrows(InvalidInputException.class, () -> tx().append(Table.NAT, Rule.in("X").reject()));
        assertThrows(InvalidInputException.class, () -> tx().append(Table.FILTER,
                Rule.in("X").protocol(Protocol.TCP).dnat("10.0.0.1:80")));
        assertThrows(InvalidInputException.class, () -> tx().append(Table.FILTER, Rule.in("X").jump("INPUT")));
        InvalidInputException family = assertThrows(InvalidInputException.class, () -> tx()
                .append(Table.FILTER, Rule.in("X").source("fd00::1").accept()));
        assertTrue(family.getMessage().contains("IPv6"), family.getMessage());
        assertThrows(InvalidInputException.class, () -> tx().deleteChain(Table.NAT, ChainName.of("KUBE-B"))
                .append(Table.NAT, Rule.in("KUBE-A").jump("KUBE-B")));
    }
}
