// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.xtables;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.netlink.internal.Native;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The xtables lock ({@code /run/xtables.lock}, or {@code XTABLES_LOCKFILE}) held as the iptables-legacy tools hold
 * it: {@code flock(2)} on the file (not the JDK's {@code fcntl} locks, which the tools do not see), tried every 100 ms
 * as {@code -W 100000} does, for at most the wait given.
 */
public final class XtablesLockFile implements AutoCloseable {
    private final int fd;

    private XtablesLockFile(int fd) {
        this.fd = fd;
    }

    /**
     * Takes the lock of {@code file}, waiting at most {@code wait}.
     *
     * @param file the lock file, made if missing
     * @param wait the longest wait
     * @return the lock, held until closed
     * @throws BusyException if another program held it all that time
     */
    public static XtablesLockFile acquire(Path file, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            int fd = Native.tryLockFile(file.toString());
            if (fd >= 0) {
                return new XtablesLockFile(fd);
            }
            if (System.nanoTime() >= deadline) {
                throw new BusyException("could not get the xtables lock " + file + " within " + wait.toMillis() / 1000.0
                        + " s: another program holds it", file.toString());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SvcProxyException("interrupted while waiting for the xtables lock " + file, file.toString(), e);
            }
        }
    }

    @Override
    public void close() {
        Native.close(fd);
    }
}
