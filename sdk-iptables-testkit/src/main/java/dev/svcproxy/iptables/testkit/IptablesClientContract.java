// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.TransactionFailedException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.RestoreRefusedException;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IptablesClient} must do, the kernel's and the fake alike. Subclass and provide
 * {@link #client()} (a fresh, empty state per test).
 */
public abstract class IptablesClientContract {

    /**
     * The client under test, over an empty state, fresh for each test.
     *
     * @return a new client
     */
    protected abstract IptablesClient client();

    private IptablesTransaction sample(IptablesClient c) {
        IptablesTransaction tx = c.newTransaction();
        tx.flushChain(Table.NAT, "KUBE-SERVICES").flushChain(Table.NAT, "KUBE-SVC-A").flushChain(Table.NAT, "KUBE-MARK-MASQ")
                .flushChain(Table.NAT, "KUBE-SEP-1").flushChain(Table.NAT, "KUBE-SEP-2")
                .append(Table.NAT, Rule.in("KUBE-SERVICES").comment("ns/a:http cluster IP").protocolModule(Protocol.TCP)
                        .destination("10.96.0.10").dport(80).jump("KUBE-SVC-A"))
                .append(Table.NAT, Rule.in("KUBE-SVC-A").comment("ns/a:http -> 10.244.0.5:8080").probability(0.5).jump("KUBE-SEP-1"))
                .append(Table.NAT, Rule.in("KUBE-SVC-A").comment("ns/a:http -> 10.244.0.6:8080").jump("KUBE-SEP-2"))
                .append(Table.NAT, Rule.in("KUBE-SEP-1").comment("ns/a:http").source("10.244.0.5").jump("KUBE-MARK-MASQ"))
                .append(Table.NAT, Rule.in("KUBE-SEP-1").comment("ns/a:http").protocolModule(Protocol.TCP).dnat("10.244.0.5:8080"))
                .append(Table.NAT, Rule.in("KUBE-SEP-2").comment("ns/a:http").protocolModule(Protocol.TCP).dnat("10.244.0.6:8080"))
                .append(Table.NAT, Rule.in("KUBE-MARK-MASQ").orMark(0x4000))
                .flushChain(Table.FILTER, "KUBE-FORWARD")
                .append(Table.FILTER, Rule.in("KUBE-FORWARD").ctstate(Match.CtState.INVALID).drop())
                .append(Table.FILTER, Rule.in("KUBE-FORWARD").comment("kubernetes forwarding rules").mark(0x4000, 0x4000).accept());
        return tx;
    }

    private static List<Rule> normalized(List<Rule> rules, IpFamily f) {
        return rules.stream().map(r -> r.normalize(f)).toList();
    }

    @Test
    void appliedRulesReadBackEqual() {
        IptablesClient c = client();
        IptablesTransaction tx = sample(c);
        c.apply(tx);
        Ruleset state = c.save();
        for (IptablesTransaction.Op op : tx.operations()) {
            if (op instanceof IptablesTransaction.FlushChain f) {
                assertTrue(state.chains(f.table()).containsKey(f.chain()), f.toString());
            }
        }
        List<Rule> svc = tx.operations().stream().filter(o -> o instanceof IptablesTransaction.Append a
                && a.rule().chain().name().equals("KUBE-SVC-A")).map(o -> ((IptablesTransaction.Append) o).rule()).toList();
        assertEquals(normalized(svc, c.family()), state.rules(Table.NAT, "KUBE-SVC-A"));
        assertEquals(2, state.rules(Table.FILTER, "KUBE-FORWARD").size());
        assertEquals(state.chains(Table.NAT).keySet(), c.chains(Table.NAT));
        // applying the same transaction again is idempotent
        c.apply(sample(c));
        assertEquals(state.only("KUBE-"), c.save().only("KUBE-"));
    }

    @Test
    void aJumpToAMissingChainFailsBeforeAnythingChanges() {
        IptablesClient c = client();
        IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-NEW")
                .append(Table.NAT, Rule.in("KUBE-NEW").jump("KUBE-DOES-NOT-EXIST"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> c.apply(tx));
        assertTrue(e.getMessage().contains("KUBE-DOES-NOT-EXIST"), e.getMessage());
        assertFalse(c.chainExists(Table.NAT, ChainName.of("KUBE-NEW")));
    }

    @Test
    void aRefusedTransactionNamesTheRuleAndChangesNothing() {
        IptablesClient c = client();
        c.apply(sample(c));
        Rule missing = Rule.in("KUBE-SVC-A").comment("never added").returns();
        IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-EXTRA")
                .append(Table.NAT, Rule.in("KUBE-EXTRA").returns())
                .delete(Table.NAT, missing);
        RestoreRefusedException e = assertThrows(RestoreRefusedException.class, () -> c.apply(tx));
        assertTrue(e.operation().orElse("").contains("never added"), e.getMessage());
        assertEquals(missing, ((IptablesTransaction.Delete) e.failedOperation().orElseThrow()).rule());
        assertFalse(c.chainExists(Table.NAT, ChainName.of("KUBE-EXTRA")));
    }

    @Test
    void aChainStillReferencedCannotBeDeleted() {
        IptablesClient c = client();
        c.apply(sample(c));
        IptablesTransaction tx = c.newTransaction().deleteChain(Table.NAT, ChainName.of("KUBE-SEP-2"));
        TransactionFailedException e = assertThrows(TransactionFailedException.class, () -> c.apply(tx));
        assertTrue(e.getMessage().contains("KUBE-SEP-2"), e.getMessage());
        assertTrue(c.chainExists(Table.NAT, ChainName.of("KUBE-SEP-2")));
        assertEquals(2, c.save(Table.NAT).rules(Table.NAT, "KUBE-SVC-A").size());
    }

    @Test
    void staleChainsAreDeletedTogetherWithTheirReferrers() {
        IptablesClient c = client();
        c.apply(sample(c));
        IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-SVC-A")
                .append(Table.NAT, Rule.in("KUBE-SVC-A").jump("KUBE-SEP-1"))
                .deleteChain(Table.NAT, ChainName.of("KUBE-SEP-2"));
        c.apply(tx);
        assertFalse(c.chainExists(Table.NAT, ChainName.of("KUBE-SEP-2")));
        assertEquals(1, c.save(Table.NAT).rules(Table.NAT, "KUBE-SVC-A").size());
    }

    /**
     * A transaction's {@link IptablesTransaction#lastly lastly} callback may wait for a read of the same client on
     * another thread (a proxy's full sync reads the table while the restore runs): the client must not hold a lock of
     * its own meanwhile, and what the callback adds is applied in the same transaction.
     *
     * @throws Exception if the read cannot be waited for
     */
    @Test
    void aLastlyCallbackMayReadTheClientFromAnotherThread() throws Exception {
        IptablesClient c = client();
        c.apply(sample(c));
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            IptablesTransaction tx = c.newTransaction().flushChain(Table.NAT, "KUBE-SVC-A")
                    .append(Table.NAT, Rule.in("KUBE-SVC-A").jump("KUBE-SEP-1"))
                    .lastly(Table.NAT, t -> {
                        try {
                            Ruleset nat = reader.submit(() -> c.save(Table.NAT)).get(60, java.util.concurrent.TimeUnit.SECONDS);
                            if (nat.chains(Table.NAT).containsKey(ChainName.of("KUBE-SEP-2"))) {
                                t.deleteChain(Table.NAT, ChainName.of("KUBE-SEP-2"));
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException("the read on another thread did not finish: " + e, e);
                        }
                    });
            c.apply(tx);
        } finally {
            reader.shutdownNow();
        }
        assertFalse(c.chainExists(Table.NAT, ChainName.of("KUBE-SEP-2")), "the callback's deletion was applied");
        assertEquals(1, c.save(Table.NAT).rules(Table.NAT, "KUBE-SVC-A").size());
    }

    /** A lastly callback that fails leaves no table of the transaction changed, and its exception reaches the caller. */
    @Test
    void aFailingLastlyCallbackChangesNothing() {
        IptablesClient c = client();
        c.apply(sample(c));
        Ruleset before = c.save().only("KUBE-");
        IptablesTransaction tx = c.newTransaction().flushChain(Table.FILTER, "KUBE-FORWARD")
                .flushChain(Table.NAT, "KUBE-SVC-A").append(Table.NAT, Rule.in("KUBE-SVC-A").jump("KUBE-SEP-1"))
                .lastly(Table.NAT, t -> {
                    throw new IllegalStateException("the late part could not be decided");
                });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.apply(tx));
        assertEquals("the late part could not be decided", e.getMessage());
        assertEquals(before, c.save().only("KUBE-"));
    }

    @Test
    void checkValidatesWithoutApplying() {
        IptablesClient c = client();
        c.check(sample(c));
        assertFalse(c.chainExists(Table.NAT, ChainName.of("KUBE-SVC-A")));
    }

    @Test
    void ensureRuleAddsOnceAndDeleteRuleRemoves() {
        IptablesClient c = client();
        c.apply(sample(c));
        Rule jump = Rule.in("PREROUTING").comment("kubernetes service portals").jump("KUBE-SERVICES");
        assertFalse(c.ruleExists(Table.NAT, jump));
        assertTrue(c.ensureRule(Table.NAT, jump, true));
        assertTrue(c.ruleExists(Table.NAT, jump));
        assertFalse(c.ensureRule(Table.NAT, jump, true));
        assertEquals(List.of(jump.normalize(c.family())), c.save(Table.NAT).rules(Table.NAT, "PREROUTING"));
        assertTrue(c.deleteRule(Table.NAT, jump));
        assertFalse(c.ruleExists(Table.NAT, jump));
        assertFalse(c.deleteRule(Table.NAT, jump));
        assertTrue(c.save(Table.NAT).rules(Table.NAT, "PREROUTING").isEmpty());
        assertFalse(c.ruleExists(Table.NAT, Rule.in("KUBE-NO-SUCH-CHAIN").jump("KUBE-SERVICES")), "no chain, no rule");
    }

    @Test
    void canaryDisappearsWhenChainsAreFlushedExternally() {
        IptablesClient c = client();
        ChainName canary = ChainName.of("KUBE-PROXY-CANARY");
        c.createCanary(canary, Table.MANGLE, Table.NAT, Table.FILTER);
        assertTrue(c.canaryExists(canary, Table.MANGLE));
        c.createCanary(canary, Table.MANGLE, Table.NAT, Table.FILTER); // idempotent
        c.apply(c.newTransaction().deleteChain(Table.MANGLE, canary)); // what "iptables -t mangle -X" does to it
        assertFalse(c.canaryExists(canary, Table.MANGLE));
        assertTrue(c.canaryExists(canary, Table.NAT));
    }
}
