// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.internal.jnr;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/** The libc functions svcproxy needs. Not an API: svcproxy calls it through {@code dev.svcproxy.netlink.internal.Native}. */
public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    @SaveError
    int getsockname(int fd, @Out byte[] addr, IntByReference addrlen);

    @SaveError
    long send(int fd, @In ByteBuffer buf, long len, int flags);

    @SaveError
    long recv(int fd, @Out ByteBuffer buf, long len, int flags);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    @SaveError
    int getsockopt(int fd, int level, int optname, @In @Out ByteBuffer optval, IntByReference optlen);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

    @SaveError
    int close(int fd);

    @SaveError
    int open(String path, int flags, int mode);

    @SaveError
    int flock(int fd, int operation);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int nstype);

    String strerror(int errnum);
}
