// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.internal;

import dev.svcproxy.netlink.internal.jnr.LibC;

import dev.svcproxy.api.PermissionDeniedException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.UnsupportedByKernelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Static wrappers over {@link LibC}: a failed call ({@code -1}) becomes an exception carrying errno; the library is
 * loaded once, and {@link #unavailabilityCause()} says why it could not be. Not an API.
 */
public final class Native {
    public static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;

    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    private static final Throwable CAUSE;

    static {
        LibC lib = null;
        Runtime rt = null;
        Throwable cause = null;
        try {
            lib = LibraryLoader.create(LibC.class).load("c");
            rt = Runtime.getRuntime(lib);
            lib.strerror(1);
        } catch (Throwable t) { // LinkageError and friends: no native access here
            cause = t;
            lib = null;
        }
        LIBC = lib;
        RUNTIME = rt;
        CAUSE = cause;
    }

    private Native() {
    }

    /** A failed system call: the call's name and errno. */
    public static final class ErrnoException extends SvcProxyException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ErrnoException(String call, int errno, String text) {
            super(call + " failed: " + text + " (errno " + errno + ")", call);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    public static boolean isAvailable() {
        return LIBC != null;
    }

    /** Why native calls are unavailable, or null. */
    public static Throwable unavailabilityCause() {
        return CAUSE;
    }

    private static LibC libc() {
        if (LIBC == null) {
            throw new UnsupportedByKernelException("native access (jnr-ffi) is not available: " + CAUSE, "netlink", CAUSE);
        }
        return LIBC;
    }

    private static SvcProxyException error(String call) {
        int errno = RUNTIME.getLastError();
        String text = LIBC.strerror(errno);
        if (errno == 1 || errno == 13) {
            return new PermissionDeniedException(call + " failed: " + text + " (needs root / CAP_NET_ADMIN)", call);
        }
        return new ErrnoException(call, errno, text);
    }

    public static String strerror(int errno) {
        return libc().strerror(errno);
    }

    /** A netlink socket of {@code protocol} in the calling thread's network namespace. */
    public static int netlinkSocket(int protocol) {
        int fd = libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw error("socket(AF_NETLINK, " + protocol + ")");
        }
        return fd;
    }

    /** Binds {@code fd} to a kernel-chosen port id and returns it. */
    public static int bindNetlink(int fd) {
        byte[] addr = new byte[12];
        ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).putShort((short) AF_NETLINK);
        if (libc().bind(fd, addr, addr.length) < 0) {
            throw error("bind");
        }
        IntByReference len = new IntByReference(addr.length);
        if (libc().getsockname(fd, addr, len) < 0) {
            throw error("getsockname");
        }
        return ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).getInt(4);
    }

    public static void setIntOption(int fd, int level, int option, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        if (libc().setsockopt(fd, level, option, v, 4) < 0) {
            throw error("setsockopt(" + level + ", " + option + ")");
        }
    }

    /** Tries an int option; returns false instead of failing (for options older kernels lack). */
    public static boolean trySetIntOption(int fd, int level, int option, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        return libc().setsockopt(fd, level, option, v, 4) == 0;
    }

    /** SO_RCVTIMEO / SO_SNDTIMEO as a struct timeval. */
    public static void setTimeout(int fd, int option, long millis) {
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(millis / 1000).putLong((millis % 1000) * 1000).array();
        if (libc().setsockopt(fd, SOL_SOCKET, option, tv, 16) < 0) {
            throw error("setsockopt(timeout)");
        }
    }

    /** Sends {@code buf} (position to limit) as one datagram. */
    public static void send(int fd, ByteBuffer buf) {
        long n = libc().send(fd, buf, buf.remaining(), 0);
        if (n < 0) {
            throw error("send");
        }
    }

    /**
     * Receives one datagram into {@code buf} (a direct buffer, from position 0) and returns its length, or -errno
     * for EAGAIN (timeout), EINTR and ENOBUFS so the caller can decide.
     */
    public static int recv(int fd, ByteBuffer buf) {
        long n = libc().recv(fd, buf, buf.capacity(), 0);
        if (n < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == EAGAIN || errno == EINTR || errno == 105) {
                return -errno;
            }
            throw error("recv");
        }
        return (int) n;
    }

    /** A raw socket of {@code family} (AF_INET 2, AF_INET6 10) in the calling thread's namespace, for x_tables' options. */
    public static int rawSocket(int family) {
        int fd = libc().socket(family, SOCK_RAW | SOCK_CLOEXEC, 255); // IPPROTO_RAW
        if (fd < 0) {
            throw error("socket(" + family + ", SOCK_RAW, IPPROTO_RAW)");
        }
        return fd;
    }

    /**
     * getsockopt with {@code buf} (a direct buffer, from 0 to its limit) as both the request and the answer; returns
     * the answer's length.
     */
    public static int getsockopt(int fd, int level, int option, ByteBuffer buf) {
        IntByReference len = new IntByReference(buf.limit());
        if (libc().getsockopt(fd, level, option, buf, len) < 0) {
            throw error("getsockopt(" + level + ", " + option + ")");
        }
        return len.getValue();
    }

    /**
     * setsockopt of {@code value} (a direct buffer, from 0 to its limit), into which the address of {@code receive}
     * (a direct buffer the kernel fills) is first written, native order, at {@code pointerAt}; or no address if
     * {@code receive} is null.
     */
    public static void setsockopt(int fd, int level, int option, ByteBuffer value, int pointerAt, ByteBuffer receive) {
        if (receive != null) {
            value.order(ByteOrder.nativeOrder()).putLong(pointerAt, jnr.ffi.Pointer.wrap(RUNTIME, receive).address());
        }
        if (libc().setsockopt(fd, level, option, value, value.limit()) < 0) {
            throw error("setsockopt(" + level + ", " + option + ")");
        }
    }

    /**
     * Opens (creating it, mode 0600) and locks {@code path} with {@code flock(LOCK_EX | LOCK_NB)}; returns the
     * descriptor, which holds the lock until closed, or -1 if another holds the lock.
     */
    public static int tryLockFile(String path) {
        int fd = libc().open(path, 2 | 0100 | O_CLOEXEC, 0600); // O_RDWR | O_CREAT
        if (fd < 0) {
            throw error("open(" + path + ")");
        }
        if (libc().flock(fd, 2 | 4) < 0) { // LOCK_EX | LOCK_NB
            int errno = RUNTIME.getLastError();
            libc().close(fd);
            if (errno == EAGAIN) {
                return -1;
            }
            throw new ErrnoException("flock(" + path + ")", errno, LIBC.strerror(errno));
        }
        return fd;
    }

    public static void close(int fd) {
        libc().close(fd);
    }

    /** Moves the calling thread into the network namespace at {@code path}. Call only on a dedicated thread. */
    public static void enterNetns(String path) {
        int nsfd = libc().open(path, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0) {
            throw error("open(" + path + ")");
        }
        try {
            if (libc().setns(nsfd, CLONE_NEWNET) < 0) {
                throw error("setns(" + path + ")");
            }
        } finally {
            libc().close(nsfd);
        }
    }
}
