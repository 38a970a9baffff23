// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.SvcProxyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The xtables lock taken for {@code iptables-legacy-restore} instead of by it, so that the tool may wait for its input.
 *
 * <p>{@code iptables-legacy-restore -w N} (kube-proxy passes {@code -w 5}) arms an N-second alarm when it takes the
 * lock at its first table, and never disarms it: if the tool is waiting to read its input when the alarm goes off, the
 * read ends as if the input had ({@code COMMIT expected}, nothing applied). A restore whose input is written while it
 * is built must not be exposed to that. So the lock (the file {@code XTABLES_LOCKFILE} names, else
 * {@code /run/xtables.lock}) is taken by a shell with the same bounded wait ({@code flock -w N}), and the shell then
 * becomes the tool, which holds it until it exits (the locked descriptor is inherited). The tool itself is told to lock
 * a file of this process's own ({@code XTABLES_LOCKFILE}, iptables 1.8.5+), which nobody else holds, with a bare
 * {@code -w}: no alarm. Other programs see the same lock held for the same span as with the tool's own locking.
 */
final class XtablesLock {
    /** The exit status of the shell when {@code flock} gave up waiting. */
    static final int BUSY = 75;
    private static final String SCRIPT = "exec 9<>\"$1\"\n"
            + "flock -w \"$2\" 9 || exit " + BUSY + "\n"
            + "XTABLES_LOCKFILE=$3; export XTABLES_LOCKFILE; shift 3; exec \"$@\"\n";
    private static volatile Path privateFile;

    private final Path lockFile;
    private final int seconds;

    /**
     * @param lockFile the xtables lock every iptables tool takes
     * @param seconds the longest wait for it (kube-proxy's 5)
     */
    XtablesLock(Path lockFile, int seconds) {
        this.lockFile = lockFile;
        this.seconds = seconds;
    }

    /** The lock the iptables tools of this process take: {@code XTABLES_LOCKFILE}, else {@code /run/xtables.lock}. */
    static Path systemLockFile() {
        String env = System.getenv("XTABLES_LOCKFILE");
        return Path.of(env == null || env.isEmpty() ? "/run/xtables.lock" : env);
    }

    /**
     * {@code tool} (its name first) wrapped so that it runs holding the lock; {@code toolArgs} go after a bare
     * {@code -w} for the tool's own, private lock.
     */
    List<String> wrap(String tool, List<String> toolArgs) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", lockFile.toString(), Integer.toString(seconds),
                privateFile().toString(), tool, "-w"));
        argv.addAll(toolArgs);
        return argv;
    }

    /** The failure a run of {@link #wrap} reports for the lock, or null if its exit status is the tool's own. */
    SvcProxyException failure(int exit, String stderr, String what) {
        if (exit == BUSY && stderr.isBlank()) {
            return new BusyException("could not get the xtables lock " + lockFile + " within " + seconds
                    + " s: another program holds it", what);
        }
        if (stderr.startsWith("sh: ")) { // the shell's own failure: it could not open the lock, or find flock
            return new SvcProxyException("cannot take the xtables lock " + lockFile + ": " + stderr.strip(), what);
        }
        return null;
    }

    /** The file the wrapped tool locks: this process's own, made at first use and deleted when the JVM exits. */
    private static Path privateFile() {
        Path p = privateFile;
        if (p == null) {
            synchronized (XtablesLock.class) {
                if (privateFile == null) {
                    try {
                        privateFile = Files.createTempFile("svcproxy-xtables-", ".lock");
                    } catch (IOException e) {
                        throw new SvcProxyException("cannot make a lock file of this process's own: " + e.getMessage(),
                                "xtables lock", e);
                    }
                    privateFile.toFile().deleteOnExit();
                }
                p = privateFile;
            }
        }
        return p;
    }
}
