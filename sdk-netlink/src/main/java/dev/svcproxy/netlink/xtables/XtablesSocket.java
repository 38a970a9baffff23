// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.xtables;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.netlink.internal.Native;
import dev.svcproxy.netlink.netns.InNamespace;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A raw socket of one family in one network namespace, through whose options iptables-legacy reads and replaces an
 * x_tables table ({@code SOL_IP} for IPv4, {@code SOL_IPV6} for IPv6). The option numbers are the uapi's
 * ({@code IPT_SO_GET_INFO} 64, {@code IPT_SO_GET_ENTRIES} 65, {@code IPT_SO_SET_REPLACE} 64,
 * {@code IPT_SO_SET_ADD_COUNTERS} 65; ip6tables' are the same).
 */
public final class XtablesSocket implements AutoCloseable {
    /** {@code IPT_SO_GET_INFO}: a table's size, entry count and hook offsets. */
    public static final int GET_INFO = 64;
    /** {@code IPT_SO_GET_ENTRIES}: a table's entries. */
    public static final int GET_ENTRIES = 65;
    /** {@code IPT_SO_SET_REPLACE}: a whole table, swapped in at once; the old counters come back. */
    public static final int SET_REPLACE = 64;
    /** {@code IPT_SO_SET_ADD_COUNTERS}: counters added to a table's entries. */
    public static final int SET_ADD_COUNTERS = 65;
    private static final int EAGAIN = 11;

    private final int fd;
    private final int level;

    private XtablesSocket(int fd, int level) {
        this.fd = fd;
        this.level = level;
    }

    /**
     * A socket of {@code family} in the namespace at {@code netns}, or in this process's when it is empty.
     *
     * @param family IPv4 (iptables) or IPv6 (ip6tables)
     * @param netns the namespace's path, if any
     * @return the socket; close it when done
     */
    public static XtablesSocket open(IpFamily family, Optional<Path> netns) {
        int domain = family == IpFamily.IPV4 ? 2 : 10;
        int fd = InNamespace.call(netns, () -> Native.rawSocket(domain));
        return new XtablesSocket(fd, family == IpFamily.IPV4 ? 0 : 41);
    }

    /**
     * Reads option {@code option}: {@code buffer} (direct, from 0 to its limit) holds the request (a table's name, a
     * size) and receives the answer.
     *
     * @param option the option
     * @param buffer the request, overwritten with the answer
     * @return the answer's length
     */
    public int get(int option, ByteBuffer buffer) {
        return Native.getsockopt(fd, level, option, buffer);
    }

    /**
     * Sets option {@code option} to {@code value} (direct, from 0 to its limit); if {@code receive} is given, its
     * address is first written into {@code value} at {@code pointerAt}, for the kernel to fill ({@code ipt_replace}'s
     * {@code counters}). An {@code EAGAIN} (the table changed since it was read) is a {@link BusyException}.
     *
     * @param option the option
     * @param value its value
     * @param pointerAt where in {@code value} the address of {@code receive} goes
     * @param receive a direct buffer the kernel writes into, or null
     */
    public void set(int option, ByteBuffer value, int pointerAt, ByteBuffer receive) {
        try {
            Native.setsockopt(fd, level, option, value, pointerAt, receive);
        } catch (Native.ErrnoException e) {
            throw busy(e);
        }
    }

    private static RuntimeException busy(Native.ErrnoException e) {
        return e.errno() == EAGAIN ? new BusyException("the table changed while it was rewritten: " + e.getMessage(), "x_tables") : e;
    }

    @Override
    public void close() {
        Native.close(fd);
    }
}
