// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a direct buffer's memory at once ({@code sun.misc.Unsafe.invokeCleaner}, in {@code jdk.unsupported}: Java 17
 * has no public way), where waiting for the collector would hold it: a 100 MiB table's buffers, dropped after one write,
 * would otherwise stay in the process until a full collection, or make the next allocation past the JVM's limit on
 * direct memory wait for one. The caller must hold the only reference to the buffer and to every view of it. Where
 * the method is missing, the buffer is left to the collector.
 */
final class DirectBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(DirectBuffers.class);
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private DirectBuffers() {
    }

    /**
     * A direct buffer of {@code size} bytes in native byte order; a {@link dev.svcproxy.api.SvcProxyException} (the
     * tool's work, then) if the JVM's limit on direct memory leaves no room for it.
     */
    static ByteBuffer allocate(int size, String what) {
        try {
            return ByteBuffer.allocateDirect(size).order(java.nio.ByteOrder.nativeOrder());
        } catch (OutOfMemoryError e) { // thrown by the reservation, before any memory is taken: nothing else is hurt
            throw new dev.svcproxy.api.SvcProxyException("no room for a buffer of " + size + " bytes: " + e.getMessage(), what);
        }
    }

    /** Frees {@code b}'s memory now (a direct buffer that no view outlives); a heap buffer is left alone. */
    static void free(ByteBuffer b) {
        if (UNSAFE != null && b.isDirect()) {
            UNSAFE.invokeCleaner(b);
        }
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("direct buffers are freed by the collector: {}", e.toString());
            return null;
        }
    }
}
