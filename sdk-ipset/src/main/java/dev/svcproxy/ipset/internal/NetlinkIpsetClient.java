package dev.svcproxy.ipset.internal;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.TransactionFailedException;
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
    private final NetlinkSocket socket;
    private final Map<String, Integer> revisions = new HashMap<>();

    public NetlinkIpsetClient(Optional<Path> netns) {
        this.socket = netns.map(p -> NetlinkSocket.open(NetlinkProtocol.NETFILTER, p))
                .orElseGet(() -> NetlinkSocket.open(NetlinkProtocol.NETFILTER));
    }

    /** ipset's own error numbers (4096 and up) as typed exceptions; the rest as netlink maps them. */
    private static SvcProxyException translate(SvcProxyException e, String op) {
        if (e instanceof TransactionFailedException t) {
            String k = t.kernelMessage();
            if (k.contains("errno 4103")) {
                return new NotFoundException("not in the set", op);
            }
            if (k.contains("errno 4108") || k.contains("errno 4100")) {
                return new BusyException("the set is in use (referenced by a rule or a list:set)", op);
            }
            if (k.contains("errno 4101")) {
                return new AlreadyExistsException("a set with the new name already exists", op);
            }
            if (k.contains("errno 4102")) {
                return new dev.svcproxy.api.InvalidInputException("the two sets' types differ", op);
            }
            if (k.contains("errno 4352")) {
                return new BusyException("the set is full (maxelem reached)", op);
            }
        }
        return e;
    }

    private synchronized List<dev.svcproxy.netlink.NetlinkMessage> request(MessageBuilder m) {
        try {
            return socket.request(m);
        } catch (SvcProxyException e) {
            throw translate(e, m.description());
        }
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
            if (e.getMessage().contains("not in the set")) {
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
            if (e.getMessage().contains("not in the set")) {
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
            replies.get(i).error().map(e -> translate(e, msgs.get(idx).description()))
                    .filter(e -> !(op.add() == false && e instanceof NotFoundException && e.getMessage().contains("not in the set")))
                    .ifPresent(e -> failed.put(op, e));
        }
        return failed;
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
