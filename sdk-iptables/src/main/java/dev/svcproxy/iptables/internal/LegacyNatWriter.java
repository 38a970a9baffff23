// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.netlink.xtables.XtablesLockFile;
import dev.svcproxy.netlink.xtables.XtablesSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the IPv4 nat operations of a transaction as {@code iptables-legacy-restore --noflush} does, without the
 * tool: under the xtables lock it reads the table ({@code IPT_SO_GET_INFO}, {@code IPT_SO_GET_ENTRIES}), declares,
 * flushes, appends, inserts and deletes chains in it, swaps the whole table in at once ({@code IPT_SO_SET_REPLACE},
 * atomic as the tool's) and puts back the counters of the entries it kept ({@code IPT_SO_SET_ADD_COUNTERS}). Other
 * programs' chains and rules are kept byte for byte. Whatever it cannot do as the tool would (a rule {@link IptEntries}
 * does not encode, a {@code -D}, a chain or jump target that is missing, a chain still jumped to, a table it does not
 * read, a kernel refusal) it leaves whole to the tool: {@link #write} returns false and nothing was written, and the
 * tool then applies the same operations, or reports the same error it always did. The table is read while the caller
 * builds the operations ({@link #begin}). Tables up to {@link #MAX_TABLE_BYTES} are read and written here (a nat
 * table of 10,000 services x 10 endpoints is about 100 MiB); the buffers of one past {@link #KEPT_BYTES} are freed
 * after its write, and only a write {@code begin(true)} (a full sync's, rare) reads such a table: a partial sync over it
 * is the tool's, which costs the same there, so that frequent syncs neither hold nor churn 200 MiB of buffers. The
 * rules are encoded where they go ({@link IptEntries#encode}), not held as bytes besides the table.
 */
final class LegacyNatWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyNatWriter.class);
    private static final String NAT = "nat";

    /** The largest table read or written here (its entries' bytes); a larger one is the tool's. */
    static final int MAX_TABLE_BYTES = 128 << 20;
    /**
     * The largest table whose buffers are kept from one write to the next, and that any write reads; a larger one's
     * are freed after its write, and only a full sync's write reads it ({@link #begin}).
     */
    static final int KEPT_BYTES = 32 << 20;
    /**
     * The heap a table past {@link #KEPT_BYTES} needs for each of its bytes to be read here: its entries decoded (about
     * 0.4 of its size), beside the operations that rewrite it. Under a smaller heap (10,000 services' 100 MiB table
     * under {@code -Xmx256m}) the tool reads it, in its own process: here the collector would take more than the read
     * saves.
     */
    static final long HEAP_PER_TABLE_BYTE = 4;

    private final Optional<Path> netns;
    private final Path lockFile;
    private final Duration wait;
    /** Held from {@link #begin} to the write's close: the buffers below are used by one write at a time. */
    private final java.util.concurrent.locks.ReentrantLock inUse = new java.util.concurrent.locks.ReentrantLock();
    /** Direct buffers kept from one write to the next (the kernel reads and writes them in place), grown as needed. */
    private ByteBuffer info;
    private ByteBuffer read;
    private ByteBuffer replace;
    private ByteBuffer oldCounters;
    private ByteBuffer counters;
    /** The write begun and not yet writing, whose read {@link #saveOfBegun} shares; null when none. */
    private volatile Write begun;

    LegacyNatWriter(Optional<Path> netns, Path lockFile, Duration wait) {
        this.netns = netns;
        this.lockFile = lockFile;
        this.wait = wait;
    }

    /**
     * Whether every operation of {@code ops} is of a kind this writer may apply (its rules are checked by the write),
     * and they are few enough for a table within {@link #MAX_TABLE_BYTES} (an entry takes 150-550 bytes), so that a
     * larger load goes to the tool before any work is spent on it.
     */
    static boolean covers(List<IptablesTransaction.Op> ops) {
        return ops.size() <= MAX_TABLE_BYTES / 200 && ops.stream().noneMatch(IptablesTransaction.Delete.class::isInstance);
    }

    /**
     * Whether the nat table is one a full sync's write would read now ({@link #begin begin(true)}): one
     * {@code IPT_SO_GET_INFO}, without the lock; false if it cannot be read here.
     */
    boolean fits() {
        try (XtablesSocket s = XtablesSocket.open(IpFamily.IPV4, netns)) {
            return reads(XtTable.readInfo(s, NAT, ByteBuffer.allocateDirect(XtTable.INFO_SIZE)), true);
        } catch (SvcProxyException e) {
            return false;
        }
    }

    /**
     * Whether a write reads a table of {@code size} bytes here: within {@link #KEPT_BYTES}; or, for a {@code large}
     * one (a full sync's), within {@link #MAX_TABLE_BYTES} where the heap is at least {@link #HEAP_PER_TABLE_BYTE}
     * times the table. {@link LegacyNatSave} reads as a full sync's write does.
     */
    static boolean reads(int size, boolean large) {
        return size <= KEPT_BYTES
                || large && size <= MAX_TABLE_BYTES && Runtime.getRuntime().maxMemory() >= HEAP_PER_TABLE_BYTE * size;
    }

    /**
     * Begins a write: takes the xtables lock and reads the nat table's size, then, on a thread of its own, the table,
     * which it holds until the write is closed, so that the caller may build the operations meanwhile (as the tool,
     * started first, reads the table while its input is written). Empty, with nothing held, if the table is larger
     * than {@link #MAX_TABLE_BYTES}, or than {@link #KEPT_BYTES} unless {@code large} and the heap is at least
     * {@link #HEAP_PER_TABLE_BYTE} times the table, or if it cannot be read here
     * (no lock file, socket or table): the tool's, then.
     *
     * @param large whether a table past {@link #KEPT_BYTES} may be read: for a full sync's write, which rewrites most
     *              of it and comes seldom
     */
    Optional<Write> begin(boolean large) {
        inUse.lock(); // one write at a time in this process: the buffers are the writer's; released by close
        Write w = new Write();
        try {
            if (w.start(large)) {
                begun = w;
                return Optional.of(w);
            }
        } catch (BusyException e) {
            w.close();
            throw e; // the lock held by another: the tool would wait as long and fail the same way
        } catch (SvcProxyException e) {
            LOG.debug("nat left to the tool: {}", e.getMessage()); // no lock file, socket or table here: its own error
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        w.close();
        return Optional.empty();
    }

    /**
     * The nat table as {@code iptables-legacy-save} prints it ({@link XtTable#save}), from the read of the write begun
     * in this process and not yet writing, if there is one: the state that write changes, read under its lock, which
     * the caller's callbacks (building the write's last operations) may ask for without a second read. Two reads at
     * once would run one after the other (the kernel serialises them on one mutex for all of IPv4's x_tables), and
     * the write's size read, then its build, would wait for the other. Empty if there is none, or it read nothing.
     */
    Optional<String> saveOfBegun(java.util.function.Predicate<dev.svcproxy.iptables.ChainName> rulesOf) {
        Write w = begun;
        return w == null ? Optional.empty() : w.save(rulesOf);
    }

    /** A write begun: the lock, the socket and the table read; close it in any case. */
    final class Write implements AutoCloseable {
        private XtablesLockFile lock;
        private XtablesSocket socket;
        private CompletableFuture<Optional<XtTable>> table = CompletableFuture.completedFuture(Optional.empty());
        private final long t0 = System.nanoTime();

        private Write() {
        }

        /** Takes the lock, reads the table's size, and starts reading it; false if this write does not read one so large. */
        private boolean start(boolean large) {
            lock = XtablesLockFile.acquire(lockFile, wait);
            socket = XtablesSocket.open(IpFamily.IPV4, netns);
            info = grown(info, XtTable.INFO_SIZE);
            int size = XtTable.readInfo(socket, NAT, info);
            if (!reads(size, large)) {
                LOG.debug("nat left to the tool: its table is {} bytes, more than this write reads here", size);
                return false;
            }
            table = Daemon.supply("svcproxy-xtables-read", () -> {
                read = XtTable.readEntries(socket, NAT, size, grown(read, XtTable.GET_ENTRIES_HEADER + size));
                return XtTable.decode(NAT, info, read);
            });
            return true;
        }

        /**
         * Applies {@code ordered}, the nat operations of a transaction in the tool's order; false, with nothing
         * written, if the tool must apply them.
         */
        synchronized boolean write(List<IptablesTransaction.Op> ordered) {
            begun = null; // the table read is changed from here on: saves read their own
            int[] lengths = lengths(ordered);
            try {
                Optional<XtTable> t = join();
                if (lengths == null || t.isEmpty() || !t.get().inOrder() || !apply(t.get(), ordered, lengths)) {
                    LOG.debug("nat left to the tool: the table read, or what the operations need of it, is not as this writer expects");
                    return false;
                }
                XtTable.Layout layout = t.get().replace(n -> replace = grown(replace, checked(n)));
                oldCounters = grown(oldCounters, 16 * Math.max(1, t.get().oldEntries()));
                socket.set(XtablesSocket.SET_REPLACE, layout.replace(), XtTable.COUNTERS_POINTER, oldCounters);
                oldCounters.clear().limit(16 * t.get().oldEntries());
                try {
                    socket.set(XtablesSocket.SET_ADD_COUNTERS, XtTable.counters(NAT, layout, oldCounters,
                            n -> counters = grown(counters, n)), 0, null);
                } catch (SvcProxyException e) {
                    LOG.warn("nat written, but its kept rules' counters could not be put back: {}", e.getMessage());
                }
                LOG.debug("nat written over x_tables: {} entries, {} bytes, in {} ms", layout.oldIndex().length,
                        layout.replace().limit(), (System.nanoTime() - t0) / 1_000_000);
                return true;
            } catch (BusyException e) {
                throw e; // the lock held by another, or a table changed by one that takes no lock: the tool fails alike
            } catch (SvcProxyException e) {
                LOG.debug("nat left to the tool: {}", e.getMessage());
                return false;
            }
        }

        /** The table read, as {@code iptables-save} prints it; empty once writing, or if nothing was read. */
        private synchronized Optional<String> save(java.util.function.Predicate<dev.svcproxy.iptables.ChainName> rulesOf) {
            if (begun != this) {
                return Optional.empty();
            }
            try {
                return join().flatMap(t -> t.save(rulesOf));
            } catch (SvcProxyException e) {
                return Optional.empty(); // the write reports its own failure
            }
        }

        private Optional<XtTable> join() {
            try {
                return table.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        /**
         * Ends the write: waits for the table's read, closes the socket and the lock, frees what is not kept. Under the
         * write's monitor, as {@link #save} is: a save that another thread began from the table read (the backend's
         * read of nat, from a callback) ends before the buffer it reads is freed, as when a callback fails.
         */
        @Override
        public synchronized void close() {
            if (begun == this) {
                begun = null;
            }
            try {
                table.exceptionally(e -> Optional.empty()).join();
                if (socket != null) {
                    socket.close();
                }
                if (lock != null) {
                    lock.close();
                }
            } finally {
                table = CompletableFuture.completedFuture(Optional.empty()); // the table read refers to its buffer
                read = kept(read);
                replace = kept(replace);
                oldCounters = kept(oldCounters);
                counters = kept(counters);
                inUse.unlock();
            }
        }
    }

    /**
     * The length of each rule of {@code ordered} as an entry (0 for the other operations); null if one has no
     * encoding here. The bytes are not kept: the layout writes them again where they go, so that a large table's
     * entries are never held twice.
     */
    private static int[] lengths(List<IptablesTransaction.Op> ordered) {
        int[] lengths = new int[ordered.size()];
        ByteBuffer scratch = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        for (int k = 0; k < ordered.size(); k++) {
            Rule rule = ruleOf(ordered.get(k));
            if (rule != null) {
                if (scratch.capacity() < IptEntries.maxLength(rule)) {
                    scratch = ByteBuffer.allocate(IptEntries.maxLength(rule)).order(ByteOrder.nativeOrder());
                }
                lengths[k] = IptEntries.encode(rule, scratch, 0);
                if (lengths[k] < 0) {
                    LOG.debug("nat left to the tool: no x_tables encoding here for {}", ordered.get(k));
                    return null;
                }
            }
        }
        return lengths;
    }

    /** The rule an append or insert adds; null for another operation. */
    private static Rule ruleOf(IptablesTransaction.Op op) {
        return op instanceof IptablesTransaction.Append a ? a.rule() : op instanceof IptablesTransaction.Insert i ? i.rule() : null;
    }

    /** {@code n}, the size of a table to write, if it is at most {@link #MAX_TABLE_BYTES} (and its header). */
    private static int checked(int n) {
        if (n > XtTable.REPLACE_HEADER + MAX_TABLE_BYTES) {
            throw new SvcProxyException("the table to write is " + n + " bytes, more than this writer's " + MAX_TABLE_BYTES, NAT);
        }
        return n;
    }

    /**
     * {@code b}, to keep for the next write, if it is no larger than {@link #grown} makes one for a table of
     * {@link #KEPT_BYTES}; else null, its memory freed now, not when the collector finds it.
     */
    private static ByteBuffer kept(ByteBuffer b) {
        if (b == null || b.capacity() <= KEPT_BYTES + KEPT_BYTES / 8 + XtTable.REPLACE_HEADER) {
            return b;
        }
        DirectBuffers.free(b);
        return null;
    }

    /**
     * {@code b} if it holds {@code size} bytes, else a direct buffer a little larger (exactly as large past
     * {@link #KEPT_BYTES}: freed after the write), {@code b}'s memory freed; a write that finds no room for it (the
     * JVM's limit on direct memory) is the tool's.
     */
    private static ByteBuffer grown(ByteBuffer b, int size) {
        if (b != null && b.capacity() >= size) {
            return b;
        }
        if (b != null) {
            DirectBuffers.free(b);
        }
        return DirectBuffers.allocate(size > KEPT_BYTES ? size : size + size / 8, NAT);
    }

    /** Applies the operations to the table read; false if one needs the tool. */
    private static boolean apply(XtTable t, List<IptablesTransaction.Op> ordered, int[] lengths) {
        for (int k = 0; k < ordered.size(); k++) {
            IptablesTransaction.Op op = ordered.get(k);
            if (op instanceof IptablesTransaction.FlushChain f) {
                Optional<XtTable.Chain> c = t.chain(f.chain().name());
                if (c.isPresent() && c.get().hook >= 0) {
                    return false; // a built-in chain's line sets its policy: the tool's business
                }
                c.ifPresentOrElse(x -> x.rules.clear(), () -> t.create(f.chain().name()));
            } else if (op instanceof IptablesTransaction.DeleteChain d) {
                Optional<XtTable.Chain> c = t.chain(d.chain().name());
                if (c.isEmpty() || c.get().hook >= 0) {
                    return false;
                }
                t.delete(c.get());
            } else if (op instanceof IptablesTransaction.Append || op instanceof IptablesTransaction.Insert) {
                Rule rule = ruleOf(op);
                Optional<IptEntries.Jump> jump = IptEntries.jump(rule);
                Optional<XtTable.Chain> c = t.chain(rule.chain().name());
                Optional<String> chainTo = jump.filter(j -> !j.next()).map(IptEntries.Jump::chain);
                Optional<XtTable.Chain> to = chainTo.flatMap(t::chain);
                if (c.isEmpty() || chainTo.isPresent() && (to.isEmpty() || to.get().hook >= 0)) {
                    return false;
                }
                XtTable.Entry entry = XtTable.Entry.of(rule, lengths[k]);
                if (op instanceof IptablesTransaction.Insert i) {
                    if (i.position() < 1 || i.position() > c.get().rules.size() + 1) {
                        return false;
                    }
                    c.get().rules.add(i.position() - 1, entry);
                } else {
                    c.get().rules.add(entry);
                }
            } else {
                return false;
            }
        }
        return !t.hasDanglingJump();
    }
}
