// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StartupBench} reads a run's log and the collector's lines as the launcher prints them. */
class StartupBenchTest {

    @Test
    void theSyncsTimesAndTheCollectionsAreReadFromTheOutput() {
        Instant start = Instant.parse("2026-12-02T10:48:36.000Z");
        StartupBench.Run r = StartupBench.parse(List.of(
                "[0.012s][info][gc] Using Serial",
                "2026-12-02T10:48:36.982Z WARN KubeProxy - skipped: Service default/broken: invalid",
                "[0.900s][info][gc] GC(0) Pause Young (Allocation Failure) 70M->12M(247M) 25.500ms",
                "[1.300s][info][gc] GC(1) Pause Full (Allocation Failure) 200M->140M(247M) 310.250ms",
                "2026-12-02T10:48:37.193Z INFO Backends - backend iptables selected for IPv4",
                "2026-12-02T10:48:37.401Z INFO KubeProxy - synced IPv4 (full): 1000 services, 0 skipped, in 132 ms",
                "2026-12-02T10:48:37.467Z INFO KubeProxy - synced IPv6 (full): 0 services, 0 skipped, in 63 ms"), start, 1.6);
        assertEquals(1.269, r.syncStarted(), 1e-9, "the IPv4 sync's end less its own time");
        assertEquals(1.401, r.synced(), 1e-9);
        assertEquals(1.6, r.exited(), 1e-9);
        assertEquals(0.33575, r.gcSeconds(), 1e-9, "both pauses");
        assertEquals(1, r.fullCollections());
    }
}
