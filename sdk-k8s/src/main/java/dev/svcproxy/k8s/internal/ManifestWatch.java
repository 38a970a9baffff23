// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Notices changes to a manifest file or directory: through the JDK's {@link WatchService} (inotify on Linux), which
 * names the files that changed within milliseconds, and, as a safety net for file systems that send no events (and
 * while the directory is gone), by the names and {@link #stamp stamps} of its files, compared at every call
 * without events and every {@link #RESCAN_NANOS} with them (a difference counts only if no event came meanwhile).
 * Once {@link #onChange} started the watch's own thread, that thread makes the periodic comparison, so that the
 * caller's {@link #changed()} (the proxy's sync loop) never lists a large directory.
 * An event on a name the kubelet's atomic writer uses ({@code ..data}, a ConfigMap volume's swap) or an overflow asks
 * for every file to be looked at again. Thread-safe.
 */
public final class ManifestWatch implements AutoCloseable {
    /** How often the names and {@link #stamp stamps} are compared even when no event came. */
    static final long RESCAN_NANOS = 5_000_000_000L;
    /**
     * How long a file must be quiet after an event before it counts as changed: a writer that truncates and then writes
     * (not renaming into place) sends an event in between, and an empty file would read as "no objects".
     */
    static final long SETTLE_MILLIS = 50;
    /**
     * The quiet time when every event since the last change was a manifest file appearing (a file renamed into place,
     * as editors, kubectl and the kubelet's atomic writer write, is whole when it appears; a file newly created and
     * then written sends a modification too, and a file that replaced one deleted first sends the deletion): enough
     * for the rest of a writer's events to arrive.
     */
    static final long APPEARED_SETTLE_MILLIS = 10;

    private final Path path;
    private final Path dir;
    private WatchService service;
    private WatchKey key;
    private Object watched;
    private String last;
    private long lastScan = System.nanoTime();
    /** The files named by events since the last {@link #changed()} that returned true. */
    private final Set<Path> pending = new HashSet<>();
    private boolean everything;
    /** What the last {@link #changed()} that returned true counted: what {@link #takeChanged()} hands over. */
    private final Set<Path> ready = new HashSet<>();
    private boolean readyEverything;
    private boolean changedSinceLastCall;
    private Thread thread;
    private boolean eventsSinceScan;
    private long lastEvent;
    /** Whether every event since the last change counted was a manifest file appearing ({@link #APPEARED_SETTLE_MILLIS}). */
    private boolean onlyAppeared = true;

    public ManifestWatch(Path path) {
        this.path = path.toAbsolutePath();
        this.dir = Files.isDirectory(this.path) ? this.path : this.path.getParent();
        this.last = fingerprint();
        register();
    }

    private void register() {
        try {
            if (service == null) {
                service = FileSystems.getDefault().newWatchService();
            }
            watched = dirKey();
            key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | UnsupportedOperationException | ClosedWatchServiceException e) {
            key = null; // no events here (yet): the rescan notices changes
        }
    }

    /** The identity (device and inode) of the directory now at {@link #dir}, or null if there is none. */
    private Object dirKey() {
        try {
            return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private String fingerprint() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.isDirectory(path) ? Files.list(path) : Stream.of(path)) {
            files.sorted().forEach(p -> b.append(p).append(' ').append(stamp(p)).append('\n'));
        } catch (IOException e) {
            b.append("unreadable");
        }
        return b.toString();
    }

    /**
     * A file's size, modification time and identity (device and inode, behind symbolic links), or {@code gone}: what
     * tells that it changed without reading it. The identity is what tells a file renamed into place (as editors,
     * kubectl and the kubelet write) from the one it replaced when both have the same size and the clock's coarse
     * tick gave them the same time; a file rewritten in place within one tick to the same size is told only by its
     * event, so a file an event named is always read again.
     */
    public static String stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.size() + " " + a.lastModifiedTime() + " " + a.fileKey();
        } catch (IOException e) {
            return "gone";
        }
    }

    /**
     * True if something changed since the last call that returned true (or since construction), and has been quiet
     * for {@link #SETTLE_MILLIS} ({@link #APPEARED_SETTLE_MILLIS} when files only appeared): what changed up to now is
     * then what {@link #takeChanged()} hands over.
     */
    public synchronized boolean changed() {
        drain();
        long now = System.nanoTime();
        if (key == null || (thread == null && now - lastScan >= RESCAN_NANOS)) {
            rescan(fingerprint(), now);
        }
        if (changedSinceLastCall && now - lastEvent < settleMillis() * 1_000_000L) {
            return false; // still being written: asked again at the next poll (or woken once it is quiet)
        }
        boolean c = changedSinceLastCall;
        changedSinceLastCall = false;
        if (c) {
            onlyAppeared = true;
            ready.addAll(pending);
            readyEverything |= everything;
            pending.clear();
            everything = false;
        }
        return c;
    }

    private synchronized long settleMillis() {
        return onlyAppeared ? APPEARED_SETTLE_MILLIS : SETTLE_MILLIS;
    }

    /** Compares {@code print}, the names and stamps listed at {@code now}, with the last ones. */
    private void rescan(String print, long now) {
        lastScan = now;
        if (!print.equals(last) && (key == null || !eventsSinceScan)) {
            everything = true; // a change no event told of: the file system sends none, or lost some
            changedSinceLastCall = true;
        }
        last = print;
        eventsSinceScan = false;
        if (key == null && Files.isDirectory(dir)) {
            register(); // the directory is back
        }
    }

    private void drain() {
        if (key == null) {
            return;
        }
        Object now = dirKey();
        if (now == null || !now.equals(watched)) {
            key.cancel(); // the directory was deleted, moved away or replaced: events would come from the old one
            key = null;
            everything = true;
            changedSinceLastCall = true;
            return;
        }
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                everything = true;
                changedSinceLastCall = true;
                onlyAppeared = false;
                continue;
            }
            Path name = (Path) e.context();
            Path p = dir.resolve(name);
            if (name.toString().startsWith("..")) {
                everything = true; // the kubelet swapped a ConfigMap's files behind their symbolic links
                changedSinceLastCall = true;
                onlyAppeared = false;
            } else if (dir.equals(path) ? ManifestReader.isManifestName(p) : p.equals(path)) {
                pending.add(p);
                changedSinceLastCall = true;
                onlyAppeared &= e.kind() == StandardWatchEventKinds.ENTRY_CREATE;
            }
            eventsSinceScan = true;
            lastEvent = System.nanoTime();
        }
        if (!key.reset()) {
            key = null; // the directory went away
            everything = true;
            changedSinceLastCall = true;
        }
    }

    /**
     * The files counted by the last {@link #changed()} that returned true, or empty when every file must be looked at:
     * the first call, an overflow, a directory that went away or came back, a change seen by the rescan only, and a
     * call that no such {@link #changed()} preceded (a reader that did not wait for it). Events that came after that
     * {@link #changed()} stay for the next one: they are neither taken here (the file may still be being written) nor
     * lost (a read that looks at every file reads them early, and they are read again once quiet).
     */
    public synchronized Optional<Set<Path>> takeChanged() {
        Optional<Set<Path>> out = readyEverything || ready.isEmpty() ? Optional.empty() : Optional.of(Set.copyOf(ready));
        ready.clear();
        readyEverything = false;
        return out;
    }

    /**
     * Calls {@code listener} once the files have been quiet for {@link #SETTLE_MILLIS} after events
     * ({@link #APPEARED_SETTLE_MILLIS} after files renamed into place), from a daemon
     * thread of this watch that waits for them (the events themselves stay for {@link #changed()} and
     * {@link #takeChanged()}); the same thread compares the names and stamps every {@link #RESCAN_NANOS} without
     * events, and calls {@code listener} when that finds a change. Once; later calls are ignored.
     */
    public synchronized void onChange(Runnable listener) {
        if (thread != null || service == null) {
            return;
        }
        WatchService events = service;
        thread = new Thread(() -> {
            try {
                while (true) {
                    WatchKey k = events.poll(RESCAN_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
                    if (k == null) {
                        String print = fingerprint(); // listed without the lock: changed() is not held up by it
                        boolean changed;
                        synchronized (this) {
                            rescan(print, System.nanoTime());
                            changed = changedSinceLastCall;
                        }
                        if (changed) {
                            listener.run();
                        }
                        continue;
                    }
                    do { // until the files are quiet for SETTLE_MILLIS (APPEARED_SETTLE_MILLIS)
                        synchronized (this) {
                            if (k == key) {
                                drain();
                            }
                        }
                        k = events.poll(settleMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    } while (k != null);
                    listener.run();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed
            }
        }, "svcproxy-manifest-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() {
        try {
            if (service != null) {
                service.close();
            }
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
