// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One change is one read: what {@link ManifestWatch#changed()} counted is what {@link ManifestWatch#takeChanged()}
 * hands over, and a change that comes in between waits for the next {@code changed()} instead of being read early and
 * then asking for a second read of every file (which cost a 10,000-service proxy a second full sync).
 */
class ManifestWatchTest {

    private static void replace(Path dir, String name, String text) throws Exception {
        Path tmp = dir.resolve("." + name + ".tmp"); // as editors and kubectl write
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitChanged(ManifestWatch watch) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!watch.changed()) {
            assertTrue(System.nanoTime() < end, "changed() within 5 s");
            Thread.sleep(5);
        }
    }

    @Test
    void aChangeAfterChangedWaitsForTheNextChangedInsteadOfWideningTheRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "a: 1\n");
        Files.writeString(dir.resolve("b.yaml"), "b: 1\n");
        try (ManifestWatch watch = new ManifestWatch(dir)) {
            assertEquals(Optional.empty(), watch.takeChanged(), "the first read looks at every file");
            Semaphore woken = new Semaphore(0);
            watch.onChange(woken::release);
            replace(dir, "a.yaml", "a: 2\n");
            assertTrue(woken.tryAcquire(5, TimeUnit.SECONDS), "the watch called its listener");
            awaitChanged(watch);
            replace(dir, "b.yaml", "b: 2\n"); // after changed(), before the read
            assertTrue(woken.tryAcquire(5, TimeUnit.SECONDS), "the watch saw b.yaml's events");
            assertEquals(Optional.of(Set.of(dir.resolve("a.yaml"))), watch.takeChanged(), "the read takes what changed() counted");
            awaitChanged(watch);
            assertEquals(Optional.of(Set.of(dir.resolve("b.yaml"))), watch.takeChanged(), "the next read takes b.yaml alone");
            Thread.sleep(2 * ManifestWatch.SETTLE_MILLIS);
            assertFalse(watch.changed(), "two changes, two reads, and no third");
            assertEquals(Optional.empty(), watch.takeChanged(), "a read no changed() preceded looks at every file");
        }
    }

    @Test
    void theWatchThreadNoticesAChangeNoEventToldOf(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("manifests"));
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("web.yaml"), "a: 1\n");
        Files.createSymbolicLink(dir.resolve("web.yaml"), elsewhere.resolve("web.yaml")); // its events are elsewhere's
        try (ManifestWatch watch = new ManifestWatch(dir)) {
            watch.takeChanged();
            Semaphore woken = new Semaphore(0);
            watch.onChange(woken::release);
            assertFalse(watch.changed(), "nothing changed yet");
            Files.writeString(elsewhere.resolve("web.yaml"), "a: 22\n");
            assertFalse(watch.changed(), "the sync loop's call does not list the directory once the watch has a thread");
            long waitMillis = TimeUnit.NANOSECONDS.toMillis(ManifestWatch.RESCAN_NANOS) + 5_000;
            assertTrue(woken.tryAcquire(waitMillis, TimeUnit.MILLISECONDS), "the watch's thread compared the stamps and called");
            assertTrue(watch.changed(), "then changed() counts it");
            assertEquals(Optional.empty(), watch.takeChanged(), "a change no event named: every file is looked at");
        }
    }
}
