// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first load's nat chains and rules written over nf_tables netlink as iptables-nft writes them
 * ({@link NftCompatRules}), in transactions of {@link #OPS_PER_BATCH} messages: each chain the load declares that the
 * table does not hold, and the rules of those chains in the load's order. The load's {@link IptablesTransaction#lastly}
 * callbacks run one at a time as their operations are taken, so a load built in batches is sent while the next batch
 * is built; each batch's chains go before its rules. A chain's rules go this way until one has no encoding here, or
 * jumps to a chain not made yet; from that one on, its rules are left to the tool, which appends them after. What is
 * left (other tables, the built-in chains' jumps, chains that existed, deletions) is returned for the restores.
 */
final class NftDirectLoad {
    private static final Logger LOG = LoggerFactory.getLogger(NftDirectLoad.class);
    /** Messages in one nf_tables transaction: the kernel's commit grows with the batch (as the nftables backend's parts). */
    static final int OPS_PER_BATCH = 10_000;

    private final IpFamily family;
    private final Optional<Path> netns;
    /** Time spent sending batches and waiting for the kernel's answers, for the log. */
    private long kernelNanos;
    /** The batch the kernel is taking, on a thread of its own, while the next is encoded: one at a time, in order. */
    private java.util.concurrent.CompletableFuture<Void> inFlight = java.util.concurrent.CompletableFuture.completedFuture(null);

    NftDirectLoad(IpFamily family, Optional<Path> netns) {
        this.family = family;
        this.netns = netns;
    }

    IptablesTransaction load(IptablesTransaction tx) {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkProtocol.NETFILTER, netns)) {
            try {
                return write(socket, tx);
            } finally {
                inFlight.exceptionally(e -> null).join(); // the socket closes only once the kernel has answered
            }
        }
    }

    private IptablesTransaction write(NetlinkSocket socket, IptablesTransaction tx) {
        long t0 = System.nanoTime();
        Set<String> existing = existingChains(socket);
        Set<ChainName> created = new HashSet<>();
        Set<ChainName> toTool = new HashSet<>(); // chains whose next rules the tool appends
        BitSet done = new BitSet();
        List<MessageBuilder> batch = new ArrayList<>();
        batch.add(NftCompatRules.newTable(family, Table.NAT));
        int rules = 0;
        int next = 0;
        do { // the operations as the transaction's callbacks add them: each batch of services is sent as it is built
            List<IptablesTransaction.Op> ops = tx.operationsSoFar();
            // the batch's chains first, so that its rules may jump to any of them
            for (int i = next; i < ops.size(); i++) {
                if (ops.get(i) instanceof IptablesTransaction.FlushChain f && f.table() == Table.NAT
                        && !existing.contains(f.chain().name())) {
                    created.add(f.chain());
                    done.set(i);
                    batch = add(socket, batch, NftCompatRules.newChain(family, Table.NAT, f.chain()));
                }
            }
            for (; next < ops.size(); next++) {
                if (ops.get(next) instanceof IptablesTransaction.Append a && a.table() == Table.NAT
                        && created.contains(a.rule().chain()) && !toTool.contains(a.rule().chain())) {
                    Optional<ChainName> target = a.rule().target().flatMap(dev.svcproxy.iptables.Target::chain);
                    Optional<MessageBuilder> m = target.isPresent() && !created.contains(target.get())
                            && !existing.contains(target.get().name()) ? Optional.empty() // made later, or never
                            : NftCompatRules.newRule(family, Table.NAT, a.rule());
                    if (m.isPresent()) {
                        done.set(next);
                        rules++;
                        batch = add(socket, batch, m.get());
                    } else {
                        toTool.add(a.rule().chain());
                    }
                }
            }
        } while (tx.completeNext());
        sendAfterTheOneInFlight(socket, batch);
        await();
        IptablesTransaction rest = tx.rest(done, Table.NAT, created);
        LOG.debug("first load over nf_tables netlink: {} chains and {} rules in {} ms ({} ms sending and committing);"
                + " {} chains' rules and {} other operations left to the tool", created.size(), rules,
                (System.nanoTime() - t0) / 1_000_000, kernelNanos / 1_000_000, toTool.size(), rest.operations().size());
        return rest;
    }

    /** The chains of this family's nat table, if it exists. */
    private Set<String> existingChains(NetlinkSocket socket) {
        Set<String> out = new HashSet<>();
        for (NetlinkMessage m : socket.request(NftCompatRules.listChains(family, Table.NAT))) {
            var a = m.attributes(4);
            if (a.string(NftCompatRules.CHAIN_TABLE).equals(Table.NAT.tableName())) {
                out.add(a.string(NftCompatRules.CHAIN_NAME));
            }
        }
        return out;
    }

    /** {@code m} added to the batch, which is sent first if full; returns the batch to add to next. */
    private List<MessageBuilder> add(NetlinkSocket socket, List<MessageBuilder> batch, MessageBuilder m) {
        if (batch.size() >= OPS_PER_BATCH) {
            sendAfterTheOneInFlight(socket, batch);
            batch = new ArrayList<>();
        }
        batch.add(m.trim()); // it waits with up to 20,000 others (this batch and the one in flight)
        return batch;
    }

    /**
     * Sends {@code batch} once the batch in flight is done (its failure thrown here), on a thread of its own, so that
     * the next batch is encoded meanwhile (at 10,000 services: 2.3 s of encoding beside 3.6 s of the kernel's work).
     */
    private void sendAfterTheOneInFlight(NetlinkSocket socket, List<MessageBuilder> batch) {
        await();
        inFlight = Daemon.supply("svcproxy-nft-direct", () -> {
            send(socket, batch);
            return null;
        });
    }

    /** Waits for the batch in flight; its failure is thrown. */
    private void await() {
        try {
            inFlight.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** One nf_tables transaction; the kernel applies all of it or, on the first error, none (which is thrown). */
    private void send(NetlinkSocket socket, List<MessageBuilder> batch) {
        long t0 = System.nanoTime();
        try {
            socket.nfnetlinkTransaction(NftCompatRules.SUBSYS, batch, true);
        } finally {
            kernelNanos += System.nanoTime() - t0;
        }
    }
}
