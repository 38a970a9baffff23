// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.nfacct;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Named extended-accounting counters over nfnetlink ({@code nfacct add/get/del}), per network namespace: kube-proxy
 * creates {@code ct_state_invalid_dropped_pkts} and {@code localhost_nps_accepted_pkts} and counts into them with
 * {@code -m nfacct --nfacct-name NAME}. Calls are serialised.
 */
public final class NfacctClient implements AutoCloseable {
    static final int SUBSYS_ACCT = 7;
    static final int MSG_NEW = 0;
    static final int MSG_GET = 1;
    static final int MSG_DEL = 3;
    static final int ATTR_NAME = 1;
    static final int ATTR_PKTS = 2;
    static final int ATTR_BYTES = 3;
    static final int NAME_MAX = 31;

    private final NetlinkSocket socket;

    private NfacctClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * A client in this process's network namespace.
     *
     * @return a client; close it when done
     */
    public static NfacctClient open() {
        return new NfacctClient(NetlinkSocket.open(NetlinkProtocol.NETFILTER));
    }

    /**
     * A client in another network namespace.
     *
     * @param netns the namespace's path (e.g. {@code /run/netns/NAME})
     * @return a client; close it when done
     */
    public static NfacctClient open(Path netns) {
        return new NfacctClient(NetlinkSocket.open(NetlinkProtocol.NETFILTER, netns));
    }

    /** A counter's packets and bytes. */
    public record Counter(String name, long packets, long bytes) {
    }

    static String check(String name) {
        if (name == null || name.isEmpty() || name.length() > NAME_MAX || name.contains("\0")) {
            throw new InvalidInputException("a counter name is 1-" + NAME_MAX + " characters", String.valueOf(name));
        }
        return name;
    }

    private static MessageBuilder message(int msg, int flags, String what, String name) {
        return new MessageBuilder(SUBSYS_ACCT << 8 | msg, flags, what).nfgen(0, 0).string(ATTR_NAME, name);
    }

    /**
     * Creates the counter (at zero); does nothing if it exists.
     *
     * @param name the counter's name
     */
    public synchronized void ensure(String name) {
        try {
            socket.request(message(MSG_NEW, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, "nfacct add " + check(name), name));
        } catch (AlreadyExistsException | BusyException e) {
            // the kernel answers EBUSY (or EEXIST) for a counter that exists: that is what we want
        }
    }

    /**
     * The counter, if it exists.
     *
     * @param name the counter's name
     * @return the counter, if it exists
     */
    public synchronized Optional<Counter> get(String name) {
        MessageBuilder get = message(MSG_GET, 0, "nfacct get " + check(name), name);
        try {
            List<NetlinkMessage> r = socket.request(get);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            Attributes a = r.get(0).attributes(4);
            return Optional.of(new Counter(a.string(ATTR_NAME), a.u64Be(ATTR_PKTS), a.u64Be(ATTR_BYTES)));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (MalformedMessageException e) {
            throw e.in(get.description());
        }
    }

    /**
     * Deletes the counter; false if there was none ({@link BusyException} while a rule uses it).
     *
     * @param name the counter's name
     * @return true if it was deleted
     */
    public synchronized boolean delete(String name) {
        try {
            socket.request(message(MSG_DEL, 0, "nfacct del " + check(name), name));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
