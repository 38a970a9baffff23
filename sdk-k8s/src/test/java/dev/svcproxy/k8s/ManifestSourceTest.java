// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifest files never cost a Service its rules: duplicates, half-written files, a vanished path, odd files; and the
 * watch: a change wakes the proxy and costs only the changed file, a ConfigMap swap and a replaced directory are seen.
 */
class ManifestSourceTest {

    static String service(String name, String ip) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\n"
                + "spec: {clusterIP: " + ip + ", ports: [{name: http, port: 80}]}\n";
    }

    static List<String> names(ServiceTables.Result r) {
        return r.table(IpFamily.IPV4).services().stream().map(VirtualService::name).map(Object::toString).toList();
    }

    static List<String> problems(ServiceTables.Result r) {
        return r.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void anObjectInTwoFilesIsTakenFromTheFirstAndTheMessageNamesBoth(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-web.yaml"), service("web", "10.96.0.10"));
        Files.writeString(dir.resolve("b-web-copy.yaml"), service("web", "10.96.0.11"));
        Files.writeString(dir.resolve("c-api.yaml"), service("api", "10.96.0.12"));
        ServiceTables.Result r = new ManifestSource(dir, 1 << 20, Clock.systemUTC()).read("node-a");
        assertEquals(List.of("default/api:http", "default/web:http"), names(r));
        assertEquals("10.96.0.10", r.table(IpFamily.IPV4).services().get(1).clusterIp().orElseThrow().toString());
        assertEquals(List.of("Service default/web: defined in " + dir.resolve("a-web.yaml") + " and again in "
                + dir.resolve("b-web-copy.yaml") + "; the definition in " + dir.resolve("a-web.yaml") + " is kept"), problems(r));
    }

    @Test
    void serviceCidrsAreReadFromTheDirectoryLikeTheOtherKinds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-web.yaml"), service("web", "10.96.0.10"));
        String cidr = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: kubernetes}\nspec: {cidrs: [10.96.0.0/12]}\n";
        Files.writeString(dir.resolve("b-cidr.yaml"), cidr);
        Files.writeString(dir.resolve("c-cidr-copy.yaml"), cidr.replace("10.96.0.0/12", "10.0.0.0/8"));
        ServiceTables.Result r = new ManifestSource(dir, 1 << 20, Clock.systemUTC()).read("node-a");
        assertEquals(List.of(dev.svcproxy.api.net.Cidr.parse("10.96.0.0/12")), r.table(IpFamily.IPV4).serviceCidrs());
        assertEquals(1, problems(r).size(), problems(r).toString());
        assertTrue(problems(r).get(0).startsWith("ServiceCIDR default/kubernetes: defined in "), problems(r).toString());
    }

    @Test
    void aCopyAppearingBesideTheOriginalNeverMovesTheLiveDefinition(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC());
        source.read("node-a");
        Files.writeString(dir.resolve("web-copy.yaml"), service("web", "10.96.0.11")); // sorts before web.yaml
        ServiceTables.Result r = source.read("node-a");
        assertEquals("10.96.0.10", r.table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString());
        assertEquals(List.of("Service default/web: defined in " + dir.resolve("web.yaml") + " and again in "
                + dir.resolve("web-copy.yaml") + "; the definition in " + dir.resolve("web.yaml") + " is kept"), problems(r));
    }

    @Test
    void aFileThatStopsParsingKeepsItsLastGoodObjectsAndADeletedFileTakesThemAway(@TempDir Path dir) throws Exception {
        Path web = dir.resolve("web.yaml");
        Files.writeString(web, service("web", "10.96.0.10"));
        Files.writeString(dir.resolve("api.yaml"), service("api", "10.96.0.12"));
        ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC());
        assertEquals(List.of("default/api:http", "default/web:http"), names(source.read("node-a")));

        Files.writeString(web, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: def"); // half-written
        ServiceTables.Result half = source.read("node-a");
        assertEquals(List.of("default/api:http", "default/web:http"), names(half), "web keeps its rules");
        assertTrue(problems(half).size() == 1 && problems(half).get(0).startsWith("Manifests " + web + ": not valid YAML: ")
                && problems(half).get(0).endsWith("; its last good objects stay until it parses again"), problems(half).toString());

        Files.writeString(web, service("web", "10.96.0.20"));
        assertEquals("10.96.0.20", source.read("node-a").table(IpFamily.IPV4).services().get(1).clusterIp().orElseThrow().toString());
        Files.delete(web);
        assertEquals(List.of("default/api:http"), names(source.read("node-a")), "a deleted file takes its objects");
    }

    @Test
    void aVanishedPathKeepsTheLastGoodStateAndTheProxyTurnsUnhealthyAfterItsWindow(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        HealthAndMetricsTest.ManualClock clock = new HealthAndMetricsTest.ManualClock();
        ManifestSource source = new ManifestSource(dir, 1 << 20, clock);
        ProxyHealth health = new ProxyHealth(Duration.ofSeconds(30), clock);
        health.source(source::unreadableSince);
        assertEquals(List.of("default/web:http"), names(source.read("node-a")));

        Files.move(dir, tmp.resolve("away"));
        ServiceTables.Result gone = source.read("node-a");
        assertEquals(List.of("default/web:http"), names(gone), "the last good state stays");
        assertTrue(problems(gone).get(0).startsWith("Manifests " + dir + ": cannot list (NoSuchFileException"), problems(gone).toString());
        assertEquals(clock.now, source.unreadableSince().orElseThrow());
        assertTrue(health.healthy(), "still fresh within 2 x syncPeriod");
        clock.now = clock.now.plusSeconds(61);
        assertFalse(health.healthy(), "not fresh once the source has been unreadable for longer than the window");
        assertTrue(health.body().contains("\"healthy\": false"), health.body());

        Files.move(tmp.resolve("away"), dir);
        assertEquals(List.of("default/web:http"), names(source.read("node-a")));
        assertTrue(source.unreadableSince().isEmpty());
        assertTrue(health.healthy());
    }

    @Test
    void onlyRegularFilesOfBoundedSizeAreRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("fifo.yaml").toString()).start().waitFor());
        Files.createSymbolicLink(dir.resolve("zero.yaml"), Path.of("/dev/zero"));
        Files.writeString(dir.resolve("big.yaml"), service("big", "10.96.0.13") + "#".repeat(5000));
        ServiceTables.Result r = new ManifestSource(dir, 4096, Clock.systemUTC()).read("node-a");
        assertEquals(List.of("default/web:http"), names(r));
        assertTrue(problems(r).contains("Manifests " + dir.resolve("fifo.yaml") + ": not a regular file (a FIFO, device or directory is never read)"),
                problems(r).toString());
        assertTrue(problems(r).contains("Manifests " + dir.resolve("zero.yaml") + ": not a regular file (a FIFO, device or directory is never read)"),
                problems(r).toString());
        assertTrue(problems(r).stream().anyMatch(p -> p.startsWith("Manifests " + dir.resolve("big.yaml") + ": too large: ")), problems(r).toString());
    }

    /** Waits (at most 5 s) until the watch reports a change, as the proxy's loop would ask. */
    private static void awaitChanged(ManifestSource source, CountDownLatch woken) throws InterruptedException {
        assertTrue(woken.await(5, TimeUnit.SECONDS), "the watch called its listener");
        long end = System.nanoTime() + 5_000_000_000L;
        while (!source.changed()) {
            assertTrue(System.nanoTime() < end, "changed() within 5 s");
            Thread.sleep(5);
        }
    }

    @Test
    void aFileRenamedIntoPlaceWakesTheProxyAndOnlyItsServiceIsTranslatedAgain(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("api.yaml"), service("api", "10.96.0.12"));
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        try (ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC())) {
            ServiceTables.Result before = source.read("node-a");
            CountDownLatch woken = new CountDownLatch(1);
            source.onChange(woken::countDown);
            assertFalse(source.changed(), "nothing changed yet");
            Files.writeString(dir.resolve(".web.yaml.tmp"), service("web", "10.96.0.20")); // as editors and kubectl write
            Files.move(dir.resolve(".web.yaml.tmp"), dir.resolve("web.yaml"), StandardCopyOption.ATOMIC_MOVE);
            awaitChanged(source, woken);
            ServiceTables.Result after = source.read("node-a");
            assertEquals("10.96.0.20", after.table(IpFamily.IPV4).services().get(1).clusterIp().orElseThrow().toString());
            assertSame(before.table(IpFamily.IPV4).services().get(0), after.table(IpFamily.IPV4).services().get(0),
                    "api.yaml was neither parsed nor translated again: the very same service object");
            assertFalse(source.changed(), "a temporary file that is not a manifest name is no change of its own");
        }
    }

    private static String clusterIp(ServiceTables.Result r) {
        return r.table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString();
    }

    /**
     * Two writes within one tick of the kernel's coarse clock get the same modification time (here it is set to be
     * sure): a file renamed into place is told by its inode (a read before the watch's events looks at every file),
     * a file rewritten in place by its event alone.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "renamed into place: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aFileReplacedWithTheSameSizeAndTimeIsReadAgain(boolean renamed, @TempDir Path dir) throws Exception {
        Path web = dir.resolve("web.yaml");
        Files.writeString(web, service("web", "10.96.0.10"));
        FileTime tick = Files.getLastModifiedTime(web);
        try (ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC())) {
            assertEquals("10.96.0.10", clusterIp(source.read("node-a")));
            CountDownLatch woken = new CountDownLatch(1);
            source.onChange(woken::countDown);
            Path written = renamed ? dir.resolve(".web.yaml.tmp") : web;
            Files.writeString(written, service("web", "10.96.0.20"));
            Files.setLastModifiedTime(written, tick);
            if (renamed) {
                Files.move(written, web, StandardCopyOption.ATOMIC_MOVE);
            } else {
                awaitChanged(source, woken);
            }
            assertEquals(service("web", "10.96.0.10").length(), Files.size(web), "the same size");
            assertEquals(tick, Files.getLastModifiedTime(web), "the same time");
            assertEquals("10.96.0.20", clusterIp(source.read("node-a")));
        }
    }

    @Test
    void aConfigMapVolumeSwapIsNoticedBehindItsSymbolicLinks(@TempDir Path dir) throws Exception {
        // the kubelet's atomic writer: files are links through ..data to a timestamped directory, swapped by a rename
        Files.createDirectory(dir.resolve("..2026_11_30_1"));
        Files.writeString(dir.resolve("..2026_11_30_1/web.yaml"), service("web", "10.96.0.10"));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2026_11_30_1"));
        Files.createSymbolicLink(dir.resolve("web.yaml"), Path.of("..data/web.yaml"));
        try (ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC())) {
            assertEquals("10.96.0.10", source.read("node-a").table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString());
            CountDownLatch woken = new CountDownLatch(1);
            source.onChange(woken::countDown);
            Files.createDirectory(dir.resolve("..2026_11_30_2"));
            Files.writeString(dir.resolve("..2026_11_30_2/web.yaml"), service("web", "10.96.0.30") + "# a longer file\n");
            Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2026_11_30_2"));
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            awaitChanged(source, woken);
            assertEquals("10.96.0.30", source.read("node-a").table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString());
        }
    }

    @Test
    void aDirectoryReplacedByAnotherIsWatchedInItsPlace(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        try (ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC())) {
            source.read("node-a");
            Path next = Files.createDirectories(tmp.resolve("next"));
            Files.writeString(next.resolve("web.yaml"), service("web", "10.96.0.40"));
            Files.move(dir, tmp.resolve("old"));
            Files.move(next, dir);
            assertTrue(source.changed(), "the directory at the path is another one");
            assertEquals("10.96.0.40", source.read("node-a").table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString());
            for (int i = 0; i < 3 && !source.changed(); i++) {
                Thread.sleep(50); // the rescan registers the new directory at the next call
            }
            CountDownLatch woken = new CountDownLatch(1);
            source.onChange(woken::countDown);
            Files.writeString(dir.resolve("api.yaml"), service("api", "10.96.0.12"));
            long end = System.nanoTime() + 5_000_000_000L;
            while (!source.changed()) {
                assertTrue(System.nanoTime() < end, "a file added to the new directory is noticed within 5 s");
                Thread.sleep(5);
            }
            assertEquals(List.of("default/api:http", "default/web:http"), names(source.read("node-a")));
        }
    }

    /**
     * A file truncated and written again (as {@code >} in a shell, or a naive editor), or moved away and created again
     * (as vim keeps its backup): an empty file for a moment, longer than a file renamed into place is waited for.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "moved away first: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aFileRewrittenInPlaceIsReadOnlyOnceQuietNeverEmpty(boolean movedAway, @TempDir Path dir) throws Exception {
        Path web = dir.resolve("web.yaml");
        Files.writeString(web, service("web", "10.96.0.10"));
        try (ManifestSource source = new ManifestSource(dir, 1 << 20, Clock.systemUTC())) {
            source.read("node-a");
            CountDownLatch woken = new CountDownLatch(1);
            source.onChange(woken::countDown);
            Thread writer = new Thread(() -> {
                try {
                    if (movedAway) {
                        Files.move(web, dir.resolve("web.yaml~"));
                    }
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(web, java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.StandardOpenOption.CREATE)) {
                        if (!movedAway) {
                            ch.truncate(0);
                        }
                        Thread.sleep(15); // empty for longer than the watch waits after a file renamed into place (10 ms)
                        ch.write(java.nio.ByteBuffer.wrap(service("web", "10.96.0.20").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            long end = System.nanoTime() + 3_000_000_000L;
            String ip = "10.96.0.10";
            while (System.nanoTime() < end && !ip.equals("10.96.0.20")) {
                if (source.changed()) {
                    List<String> seen = names(source.read("node-a"));
                    assertEquals(List.of("default/web:http"), seen, "the service never disappears while its file is rewritten");
                    ip = source.read("node-a").table(IpFamily.IPV4).services().get(0).clusterIp().orElseThrow().toString();
                }
                Thread.sleep(1);
            }
            writer.join();
            assertEquals("10.96.0.20", ip, "the rewrite is read once the file is quiet");
            assertTrue(woken.await(1, TimeUnit.SECONDS), "the listener was called");
        }
    }
}
