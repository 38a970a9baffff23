// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.internal;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetBatch;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetContents;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link IpsetClient} over one NETLINK_NETFILTER socket; calls are serialised. */
public final class NetlinkIpsetClient implements IpsetClient {
    private static final String NOT_IN_SET = "not in the set";
    private final NetlinkSocket socket;
    private final Map<String, Integer> revisions = new HashMap<>();

    public NetlinkIpsetClient(Optional<Path> netns) {
        this.socket = NetlinkSocket.open(NetlinkProtocol.NETFILTER, netns);
        socket.errors(NetlinkIpsetClient::ipsetError);
    }

    /** ipset's own error numbers (include/uapi/linux/netfilter/ipset/ip_set.h and the type headers). */
    private static SvcProxyException ipsetError(int errno, String op, String kernelText) {
        return switch (errno) {
            case 4097 -> new UnsupportedByKernelException("the kernel's ipset protocol is not the one this SDK speaks", op);
            case 4098 -> new UnsupportedByKernelException("this kernel has no such set type (or revision)", op);
            case 4099 -> new BusyException("the kernel's maximum number of sets is reached", op);
            case 4100, 4108 -> new BusyException("the set is in use (referenced by a rule or a list:set)", op);
            case 4101 -> new AlreadyExistsException("a set with the new name already exists", op);
            case 4102 -> new InvalidInputException("the two sets' types differ", op);
            case 4103 -> new NotFoundException(NOT_IN_SET, op);
            case 4104, 4105 -> new InvalidInputException("the kernel refused the CIDR or netmask", op);
            case 4106 -> new InvalidInputException("the entry's family is not the set's", op);
            case 4107 -> new InvalidInputException("the set was created without timeout support", op);
            case 4111 -> new InvalidInputException("the set was created without counters", op);
            case 4112 -> new InvalidInputException("the set was created without comment support", op);
            case 4352 -> new BusyException("the set is full (maxelem reached) or the entry is outside its range", op);
            default -> null;
        };
    }

    private synchronized List<dev.svcproxy.netlink.NetlinkMessage> request(MessageBuilder m) {
        return socket.request(m);
    }

    private int revision(IpSet set) {
        int fam = IpsetCodec.nfproto(set);
        return revisions.computeIfAbsent(set.type().typeName() + "/" + fam, k -> {
            List<dev.svcproxy.netlink.NetlinkMessage> r = request(IpsetCodec.type(set.type(), fam));
            if (r.isEmpty()) {
                throw new NotFoundException("this kernel has no such set type", set.type().typeName());
            }
            return IpsetCodec.revision(r.get(0));
        });
    }

    private static boolean isNotInSet(SvcProxyException e) {
        return e instanceof NotFoundException && e.getMessage().endsWith(NOT_IN_SET);
    }

    @Override
    public void create(IpSet set) {
        try {
            request(IpsetCodec.create(set, revision(set)));
        } catch (AlreadyExistsException e) {
            IpSet existing = list(set.name()).map(SetContents::set).orElseThrow(() -> e);
            if (!sameOptions(existing, set)) {
                throw new AlreadyExistsException("exists with other options: " + existing, set.name());
            }
        }
    }

    /** The kernel reports defaults (hashsize 1024, maxelem 65536) for options we left at 0. */
    private static boolean sameOptions(IpSet have, IpSet want) {
        return have.type() == want.type() && (!want.type().hasFamily() || have.family() == want.family())
                && (want.hashSize() == 0 || have.hashSize() == want.hashSize())
                && (want.maxElem() == 0 || have.maxElem() == want.maxElem())
                && have.timeout().equals(want.timeout()) && have.comment() == want.comment()
                && have.counters() == want.counters() && have.portFrom() == want.portFrom()
                && have.portTo() == want.portTo();
    }

    @Override
    public void destroy(String name) {
        request(IpsetCodec.byName(IpsetCodec.CMD_DESTROY, IpSet.checkName(name), "destroy"));
    }

    @Override
    public void flush(String name) {
        request(IpsetCodec.byName(IpsetCodec.CMD_FLUSH, IpSet.checkName(name), "flush"));
    }

    @Override
    public void add(IpSet set, Entry entry) {
        set.check(entry);
        request(IpsetCodec.adt(IpsetCodec.CMD_ADD, set, entry));
    }

    @Override
    public void delete(IpSet set, Entry entry) {
        set.check(entry.key());
        try {
            request(IpsetCodec.adt(IpsetCodec.CMD_DEL, set, entry.key()));
        } catch (NotFoundException e) {
            if (isNotInSet(e)) {
                return; // already gone
            }
            throw e;
        }
    }

    @Override
    public boolean test(IpSet set, Entry entry) {
        set.check(entry.key());
        try {
            request(IpsetCodec.adt(IpsetCodec.CMD_TEST, set, entry.key()));
            return true;
        } catch (NotFoundException e) {
            if (isNotInSet(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<SetContents> list(String name) {
        try {
            return IpsetCodec.decodeList(request(IpsetCodec.list(Optional.of(IpSet.checkName(name))))).stream().findFirst();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<SetContents> list() {
        return IpsetCodec.decodeList(request(IpsetCodec.list(Optional.empty())));
    }

    @Override
    public void swap(String a, String b) {
        request(IpsetCodec.twoNames(IpsetCodec.CMD_SWAP, IpSet.checkName(a), IpSet.checkName(b), "swap"));
    }

    @Override
    public void rename(String from, String to) {
        request(IpsetCodec.twoNames(IpsetCodec.CMD_RENAME, IpSet.checkName(from), IpSet.checkName(to), "rename"));
    }

    @Override
    public synchronized Map<IpsetBatch.Op, RuntimeException> apply(IpsetBatch batch) {
        List<MessageBuilder> msgs = new ArrayList<>(batch.size());
        for (IpsetBatch.Op op : batch.operations()) {
            msgs.add(IpsetCodec.adt(op.add() ? IpsetCodec.CMD_ADD : IpsetCodec.CMD_DEL, op.set(), op.entry()));
        }
        Map<IpsetBatch.Op, RuntimeException> failed = new LinkedHashMap<>();
        List<NetlinkSocket.Reply> replies = socket.batch(msgs, false);
        for (int i = 0; i < replies.size(); i++) {
            IpsetBatch.Op op = batch.operations().get(i);
            int idx = i;
            replies.get(i).error()
                    .filter(e -> op.add() || !isNotInSet(e))
                    .ifPresent(e -> failed.put(op, e));
        }
        return failed;
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
