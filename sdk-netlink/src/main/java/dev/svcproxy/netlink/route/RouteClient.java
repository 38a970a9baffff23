// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.route;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Links and addresses over rtnetlink (NETLINK_ROUTE), in this or another network namespace: what
 * {@code ip link add NAME type dummy} and {@code ip addr add/del/show dev NAME} do. Calls are serialised.
 */
public final class RouteClient implements AutoCloseable {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_F_NODAD = 0x02;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final Pattern NAME = Pattern.compile("[^/\\s:]{1,15}");

    private final NetlinkSocket socket;

    private RouteClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * A client in this process's network namespace.
     *
     * @return a client; close it when done
     */
    public static RouteClient open() {
        return new RouteClient(NetlinkSocket.open(NetlinkProtocol.ROUTE));
    }

    /**
     * A client in the network namespace at {@code netns}.
     *
     * @param netns the namespace's path
     * @return a client; close it when done
     */
    public static RouteClient open(Path netns) {
        return new RouteClient(NetlinkSocket.open(NetlinkProtocol.ROUTE, netns));
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("an interface name is 1-15 characters without '/', ':' or spaces", String.valueOf(name));
        }
        return name;
    }

    /** An ifinfomsg: family, type, index, flags, change. */
    static byte[] ifinfo(int index) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).put((byte) 0).put((byte) 0).putShort((short) 0)
                .putInt(index).putInt(0).putInt(0).array();
    }

    /** An ifaddrmsg: family, prefix length, flags, scope, index. */
    static byte[] ifaddr(int family, int prefix, int flags, int index) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).put((byte) family).put((byte) prefix)
                .put((byte) flags).put((byte) 0).putInt(index).array();
    }

    /**
     * The interface {@code name}: its index and kind ({@code dummy}, {@code veth}, ... or empty), if it exists.
     *
     * @param name the interface's name
     * @return the interface, if it exists
     */
    public synchronized Optional<Link> link(String name) {
        MessageBuilder get = new MessageBuilder(RTM_GETLINK, 0, "ip link show " + checkName(name)).header(ifinfo(0))
                .string(IFLA_IFNAME, name);
        try {
            List<NetlinkMessage> r = socket.request(get);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            ByteBuffer p = r.get(0).payload();
            int index = p.getInt(4);
            Attributes a = r.get(0).attributes(16);
            String kind = a.nestedIfPresent(IFLA_LINKINFO).filter(li -> li.has(IFLA_INFO_KIND))
                    .map(li -> li.string(IFLA_INFO_KIND)).orElse("");
            return Optional.of(new Link(a.string(IFLA_IFNAME), index, kind));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** An interface: name, kernel index, and kind. */
    public record Link(String name, int index, String kind) {
    }

    /**
     * Creates a dummy interface {@code name} (left down, as kube-proxy leaves {@code kube-ipvs0}); does nothing if a
     * dummy of that name exists; {@link AlreadyExistsException} if another kind of interface has the name.
     *
     * @param name the interface's name
     * @return the dummy interface
     */
    public synchronized Link ensureDummy(String name) {
        Optional<Link> have = link(name);
        if (have.isPresent()) {
            if (!have.get().kind().equals("dummy")) {
                throw new AlreadyExistsException("an interface of kind '" + have.get().kind() + "' has this name", name);
            }
            return have.get();
        }
        socket.request(new MessageBuilder(RTM_NEWLINK, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, "ip link add " + name + " type dummy")
                .header(ifinfo(0)).string(IFLA_IFNAME, name)
                .beginNested(IFLA_LINKINFO).string(IFLA_INFO_KIND, "dummy").endNested());
        return link(name).orElseThrow(() -> new NotFoundException("created but not found", name));
    }

    /**
     * Deletes the interface; false if there was none.
     *
     * @param name the interface's name
     * @return true if it was deleted
     */
    public synchronized boolean deleteLink(String name) {
        Optional<Link> have = link(name);
        if (have.isEmpty()) {
            return false;
        }
        socket.request(new MessageBuilder(RTM_DELLINK, 0, "ip link del " + name).header(ifinfo(have.get().index())));
        return true;
    }

    private Link need(String name) {
        return link(name).orElseThrow(() -> new NotFoundException("no such interface", name));
    }

    private static MessageBuilder addressMessage(int type, int flags, String verb, Link link, InterfaceAddress address) {
        boolean v4 = address.address().family() == IpFamily.IPV4;
        byte[] bytes = address.address().bytes();
        MessageBuilder m = new MessageBuilder(type, flags, "ip addr " + verb + " " + address + " dev " + link.name())
                .header(ifaddr(v4 ? AF_INET : AF_INET6, address.prefixLength(), v4 ? 0 : IFA_F_NODAD, link.index()));
        return m.attr(IFA_LOCAL, bytes).attr(IFA_ADDRESS, bytes);
    }

    /**
     * Adds {@code address} (e.g. {@code 10.96.0.10/32}); no error if it is there.
     *
     * @param name the interface's name
     * @param address the address
     */
    public synchronized void addAddress(String name, InterfaceAddress address) {
        Link link = need(name);
        try {
            socket.request(addressMessage(RTM_NEWADDR, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, "add", link, address));
        } catch (AlreadyExistsException e) {
            // already bound
        }
    }

    /**
     * Removes {@code address}; false if it was not there.
     *
     * @param name the interface's name
     * @param address the address
     * @return true if it was removed
     */
    public synchronized boolean deleteAddress(String name, InterfaceAddress address) {
        Link link = need(name);
        try {
            socket.request(addressMessage(RTM_DELADDR, 0, "del", link, address));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * The addresses on the interface, IPv4 and IPv6 (with their prefix lengths), in the kernel's order.
     *
     * @param name the interface's name
     * @return its addresses
     */
    public synchronized List<InterfaceAddress> addresses(String name) {
        int index = need(name).index();
        return addressDump("ip addr show dev " + name, i -> i == index);
    }

    /**
     * Every address of every interface (as {@code ip addr show}).
     *
     * @return every interface's addresses
     */
    public synchronized List<InterfaceAddress> addresses() {
        return addressDump("ip addr show", i -> true);
    }

    /**
     * The addresses of every interface except {@code name} (which need not exist), as kube-proxy's IPVS mode reads
     * the node's own addresses apart from those it bound to {@code kube-ipvs0}.
     *
     * @param name the interface to leave out
     * @return the other interfaces' addresses
     */
    public synchronized List<InterfaceAddress> addressesExcept(String name) {
        int index = link(name).map(Link::index).orElse(-1);
        return addressDump("ip addr show", i -> i != index);
    }

    private List<InterfaceAddress> addressDump(String op, java.util.function.IntPredicate linkIndex) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (NetlinkMessage m : socket.request(new MessageBuilder(RTM_GETADDR, Netlink.NLM_F_DUMP, op).header(ifaddr(0, 0, 0, 0)))) {
            ByteBuffer p = m.payload();
            if (!linkIndex.test(p.getInt(4))) {
                continue;
            }
            int prefix = p.get(1) & 0xff;
            Attributes a = m.attributes(8);
            int type = a.has(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS;
            out.add(new InterfaceAddress(IpAddress.ofBytes(a.bytes(type)), prefix));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
