// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.Rule;
import dev.svcproxy.nftables.SetContents;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.TableContents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link NftablesClient} over one NETLINK_NETFILTER socket (opened on first use, in the given namespace). */
public final class NetlinkNftablesClient implements NftablesClient {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetlinkNftablesClient.class);
    private final Optional<Path> netns;
    private NetlinkSocket socket;

    public NetlinkNftablesClient(Optional<Path> netns) {
        this.netns = netns;
    }

    private NetlinkSocket socket() {
        if (socket == null) {
            socket = NetlinkSocket.open(NetlinkProtocol.NETFILTER, netns);
        }
        return socket;
    }

    @Override
    public synchronized void apply(NftTransaction tx) {
        send(tx, true);
    }

    @Override
    public synchronized void check(NftTransaction tx) {
        send(tx, false);
    }

    private void send(NftTransaction tx, boolean commit) {
        if (tx.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<NftEncoder.Encoded> encoded = NftEncoder.encode(tx);
        List<MessageBuilder> messages = encoded.stream().map(NftEncoder.Encoded::message).toList();
        long t1 = System.nanoTime();
        try {
            socket().nfnetlinkTransaction(Nft.SUBSYS, messages, commit); // a refusal: nothing of it was applied
        } finally {
            LOG.debug("{} operations as {} messages: encoded in {} ms, sent and answered in {} ms", tx.size(), messages.size(),
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        }
    }

    @Override
    public synchronized List<Table> tables() {
        List<Table> out = new ArrayList<>();
        for (NetlinkMessage m : socket().request(NftEncoder.message(Nft.GETTABLE, Netlink.NLM_F_DUMP, null, "list tables"))) {
            NftDecoder.table(m).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public synchronized Optional<TableContents> list(Family family, String name) {
        try {
            return listTable(family, name);
        } catch (dev.svcproxy.netlink.MalformedMessageException e) {
            throw e.in("list table " + family + " " + name);
        }
    }

    @Override
    public synchronized Optional<dev.svcproxy.nftables.TableNames> names(Family family, String name) {
        Optional<Table> table = tables().stream().filter(t -> t.family() == family && t.name().equals(name)).findFirst();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        List<String> sets = new ArrayList<>();
        for (NetlinkMessage m : socket().request(NftEncoder.message(Nft.GETSET, Netlink.NLM_F_DUMP, family, "list sets of "
                + table.get().reference()).string(Nft.SET_TABLE, name))) {
            var a = m.attributes(4);
            if (a.string(Nft.SET_TABLE).equals(name) && (!a.has(Nft.SET_FLAGS) || (a.u32Be(Nft.SET_FLAGS) & Nft.SET_F_ANONYMOUS) == 0)) {
                sets.add(a.string(Nft.SET_NAME));
            }
        }
        List<String> chains = new ArrayList<>();
        for (NetlinkMessage m : chainMessages(table.get())) {
            chains.add(m.attributes(4).string(Nft.CHAIN_NAME));
        }
        return Optional.of(new dev.svcproxy.nftables.TableNames(table.get(), chains, sets));
    }

    /** The kernel's description of each chain of {@code t}. */
    private List<NetlinkMessage> chainMessages(Table t) {
        return socket().request(NftEncoder.message(Nft.GETCHAIN, Netlink.NLM_F_DUMP, t.family(), "list chains of " + t.reference())
                .string(Nft.CHAIN_TABLE, t.name())).stream().filter(m -> m.attributes(4).string(Nft.CHAIN_TABLE).equals(t.name())).toList();
    }

    private Optional<TableContents> listTable(Family family, String name) {
        Optional<Table> table = tables().stream().filter(t -> t.family() == family && t.name().equals(name)).findFirst();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        Table t = table.get();
        List<SetContents> sets = new ArrayList<>();
        java.util.Map<String, SetContents> anonymous = new java.util.HashMap<>();
        for (NetlinkMessage m : socket().request(NftEncoder.message(Nft.GETSET, Netlink.NLM_F_DUMP, family, "list sets of " + t.reference())
                .string(Nft.SET_TABLE, name))) {
            var a = m.attributes(4);
            if (!a.string(Nft.SET_TABLE).equals(name)) {
                continue;
            }
            Optional<NftSet> s = NftDecoder.set(a, t);
            if (s.isPresent()) {
                sets.add(new SetContents(s.get(), elements(s.get())));
            } else {
                NftDecoder.anonymousSet(a, t).ifPresent(x -> anonymous.put(a.string(Nft.SET_NAME), new SetContents(x, elements(x))));
            }
        }
        List<Chain> chains = new ArrayList<>();
        java.util.Map<String, Chain> byName = new java.util.HashMap<>();
        for (NetlinkMessage m : chainMessages(t)) {
            Chain c = NftDecoder.chain(m.attributes(4), t);
            chains.add(c);
            byName.put(c.name(), c);
        }
        List<Rule> rules = new ArrayList<>();
        for (NetlinkMessage m : socket().request(NftEncoder.message(Nft.GETRULE, Netlink.NLM_F_DUMP, family, "list rules of " + t.reference())
                .string(Nft.RULE_TABLE, name))) {
            var a = m.attributes(4);
            Chain c = byName.get(a.string(Nft.RULE_CHAIN));
            if (a.string(Nft.RULE_TABLE).equals(name) && c != null) {
                rules.add(NftDecoder.rule(a, c, anonymous));
            }
        }
        return Optional.of(new TableContents(t, sets, chains, rules));
    }

    private List<Element> elements(NftSet s) {
        List<Element> out = new ArrayList<>();
        MessageBuilder req = NftEncoder.message(Nft.GETSETELEM, Netlink.NLM_F_DUMP, s.table().family(), "list elements of " + s.reference())
                .string(Nft.SET_ELEM_LIST_TABLE, s.table().name()).string(Nft.SET_ELEM_LIST_SET, s.name());
        List<NftDecoder.Boundary> boundaries = new ArrayList<>();
        for (NetlinkMessage m : socket().request(req)) {
            if (s.isAddressIntervals()) {
                boundaries.addAll(NftDecoder.boundaries(m, s));
            } else {
                out.addAll(NftDecoder.elements(m, s));
            }
        }
        return s.isAddressIntervals() ? NftDecoder.intervals(boundaries, s) : out;
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
