// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xtables lock taken for {@code iptables-legacy-restore} ({@link XtablesLock}), with the real tool in a throw-away
 * namespace, and a lock file of the test's own standing for {@code /run/xtables.lock} (so that no other program on this
 * host waits for the test).
 */
@Tag("kernel")
class XtablesLockTest {
    private static final String TOOL = "iptables-legacy-restore";

    /** A payload that declares {@code chain} in filter, its input pausing {@code pause} after the first lines. */
    private static CommandRunner.Input paused(String chain, Duration pause) {
        return w -> {
            w.write("*filter\n:" + chain + " - [0:0]\n");
            w.flush();
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            w.write("-A " + chain + " -j RETURN\nCOMMIT\n");
        };
    }

    private static boolean hasChain(NetworkNamespace ns, String chain) {
        return ns.exec("iptables-legacy-save", "-t", "filter").contains(":" + chain + " ");
    }

    /**
     * The reason for the class: the tool's own {@code -w N} ends an input that pauses past N seconds after it took the
     * lock ({@code COMMIT expected}), while under the lock taken for it the same input commits, and the tool waits
     * for the lock while another program holds it.
     */
    @Test
    void anInputPausingPastTheWaitCommitsUnderTheLockTakenForTheTool(@TempDir Path dir) throws Exception {
        Path lockFile = dir.resolve("xtables.lock");
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-xlock-" + ProcessHandle.current().pid())) {
            CommandRunner runner = new CommandRunner(Optional.of(ns.path()), Duration.ofSeconds(60));
            CommandRunner.Result own = runner.stream(List.of("env", "XTABLES_LOCKFILE=" + lockFile, TOOL, "-w", "2", "--noflush"),
                    paused("SVCP-OWN", Duration.ofSeconds(3)));
            assertNotEquals(0, own.exit(), "the tool's own lock wait ended the paused input");
            assertTrue(own.stderr().contains("COMMIT expected"), own.stderr());
            assertFalse(hasChain(ns, "SVCP-OWN"), "nothing applied");

            XtablesLock lock = new XtablesLock(lockFile, 2);
            CommandRunner.Result r = runner.stream(lock.wrap(TOOL, List.of("--noflush")), paused("SVCP-TAKEN", Duration.ofSeconds(3)));
            assertEquals(0, r.exit(), r.stderr());
            assertNull(lock.failure(r.exit(), r.stderr(), TOOL));
            assertTrue(hasChain(ns, "SVCP-TAKEN"), "the paused input committed");

            Process holder = new ProcessBuilder("flock", lockFile.toString(), "sleep", "1.5").start();
            Thread.sleep(200); // the holder has the lock
            long start = System.nanoTime();
            r = runner.stream(lock.wrap(TOOL, List.of("--noflush")), paused("SVCP-WAITED", Duration.ZERO));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(hasChain(ns, "SVCP-WAITED"));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(1_000).toNanos(), "it waited for the holder");
            holder.waitFor();
        }
    }

    /** A lock held past the wait: a {@link BusyException} naming the lock file, and nothing applied. */
    @Test
    void aLockHeldPastTheWaitIsBusyAndAppliesNothing(@TempDir Path dir) throws Exception {
        Path lockFile = dir.resolve("xtables.lock");
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-xbusy-" + ProcessHandle.current().pid())) {
            CommandRunner runner = new CommandRunner(Optional.of(ns.path()), Duration.ofSeconds(60));
            XtablesLock lock = new XtablesLock(lockFile, 1);
            Process holder = new ProcessBuilder("flock", lockFile.toString(), "sleep", "4").start();
            try {
                Thread.sleep(200);
                CommandRunner.Result r = runner.stream(lock.wrap(TOOL, List.of("--noflush")), paused("SVCP-BUSY", Duration.ZERO));
                assertEquals(XtablesLock.BUSY, r.exit(), r.stderr());
                BusyException e = assertInstanceOf(BusyException.class, lock.failure(r.exit(), r.stderr(), TOOL));
                assertTrue(e.getMessage().contains(lockFile.toString()) && e.getMessage().contains("within 1 s"), e.getMessage());
                assertFalse(hasChain(ns, "SVCP-BUSY"), "nothing applied");
            } finally {
                holder.destroy();
            }
        }
    }

    /** A lock file that cannot be opened: the shell's own message, as a failure of the lock, not of the rules. */
    @Test
    void aLockFileThatCannotBeOpenedSaysSo(@TempDir Path dir) {
        XtablesLock lock = new XtablesLock(dir.resolve("missing/xtables.lock"), 1);
        CommandRunner.Result r = new CommandRunner(Optional.empty(), Duration.ofSeconds(30)).run(lock.wrap("true", List.of()), null);
        assertNotEquals(0, r.exit());
        assertTrue(lock.failure(r.exit(), r.stderr(), TOOL).getMessage().contains("cannot take the xtables lock"), r.stderr());
    }
}
