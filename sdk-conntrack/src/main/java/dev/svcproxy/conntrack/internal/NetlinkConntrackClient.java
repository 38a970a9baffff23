// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.TransactionFailedException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.ConntrackEntry;
import dev.svcproxy.conntrack.ConntrackFilter;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ConntrackClient} over one NETLINK_NETFILTER socket; calls are serialised. */
public final class NetlinkConntrackClient implements ConntrackClient {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkConntrackClient.class);
    private final NetlinkSocket socket;

    public NetlinkConntrackClient(Optional<Path> netns) {
        this.socket = NetlinkSocket.open(NetlinkProtocol.NETFILTER, netns);
    }

    @Override
    public List<ConntrackEntry> list(IpFamily family) {
        return list(family, CtnetlinkCodec.dump(family), ConntrackFilter.all(family));
    }

    /**
     * The entries of each family the filter allows, the kernel leaving out those that fail what it can check
     * ({@link CtnetlinkCodec#dump(IpFamily, ConntrackFilter)}): only those it sends are decoded.
     */
    @Override
    public List<ConntrackEntry> list(ConntrackFilter filter) {
        List<ConntrackEntry> out = new ArrayList<>();
        for (IpFamily f : families(filter)) {
            out.addAll(list(f, CtnetlinkCodec.dump(f, filter), filter));
        }
        return out;
    }

    /** The entries {@code dump} returns that are of {@code family} and meet {@code filter}. */
    private synchronized List<ConntrackEntry> list(IpFamily family, MessageBuilder dump, ConntrackFilter filter) {
        List<NetlinkMessage> replies = socket.request(dump);
        List<ConntrackEntry> out = new ArrayList<>(replies.size());
        for (NetlinkMessage m : replies) {
            try {
                ConntrackEntry e = CtnetlinkCodec.decode(m);
                if (e.family() == family && filter.matches(e)) {
                    out.add(e);
                }
            } catch (MalformedMessageException ex) {
                throw ex.in(dump.description());
            }
        }
        return out;
    }

    private static List<IpFamily> families(ConntrackFilter filter) {
        return filter.family().map(List::of).orElse(List.of(IpFamily.IPV4, IpFamily.IPV6));
    }

    @Override
    public synchronized long count() {
        MessageBuilder stats = CtnetlinkCodec.stats();
        List<NetlinkMessage> r = socket.request(stats);
        if (r.isEmpty()) {
            throw new MalformedMessageException("no statistics in the reply").in(stats.description());
        }
        try {
            return CtnetlinkCodec.decodeCount(r.get(0));
        } catch (MalformedMessageException e) {
            throw e.in(stats.description());
        }
    }

    @Override
    public synchronized Map<ConntrackEntry, RuntimeException> create(List<ConntrackEntry> entries) {
        Map<ConntrackEntry, RuntimeException> failed = new LinkedHashMap<>();
        List<ConntrackEntry> sent = new ArrayList<>(entries.size());
        for (ConntrackEntry e : entries) {
            if (e.timeoutSeconds() == 0) {
                failed.put(e, new InvalidInputException("a new entry needs a timeout", e.toString()));
            } else {
                sent.add(e);
            }
        }
        List<NetlinkSocket.Reply> replies = socket.batch(sent.stream().map(CtnetlinkCodec::create).toList(), false);
        for (int i = 0; i < replies.size(); i++) {
            int k = i;
            replies.get(i).error().ifPresent(e -> failed.put(sent.get(k), e));
        }
        return failed;
    }

    @Override
    public synchronized boolean delete(ConntrackEntry entry) {
        try {
            socket.request(CtnetlinkCodec.delete(entry));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public int delete(ConntrackFilter filter) {
        List<ConntrackEntry> doomed = list(filter);
        if (doomed.isEmpty()) {
            return 0;
        }
        List<NetlinkSocket.Reply> replies;
        synchronized (this) {
            replies = socket.batch(doomed.stream().map(CtnetlinkCodec::delete).toList(), false);
        }
        int deleted = 0;
        List<SvcProxyException> refused = new ArrayList<>();
        for (NetlinkSocket.Reply r : replies) {
            if (r.error().isEmpty()) {
                deleted++;
            } else if (!(r.error().get() instanceof NotFoundException)) {
                refused.add(r.error().get());
            }
        }
        LOG.debug("conntrack delete {}: {} of {} matching entries deleted", filter, deleted, doomed.size());
        if (!refused.isEmpty()) {
            TransactionFailedException t = new TransactionFailedException("the kernel refused " + refused.size()
                    + " of " + doomed.size() + " deletions (" + deleted + " done)", "conntrack -D " + filter,
                    refused.get(0).getMessage());
            refused.forEach(t::addSuppressed);
            throw t;
        }
        return deleted;
    }

    @Override
    public synchronized void flush(IpFamily family) {
        socket.request(CtnetlinkCodec.flush(family));
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
