// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.api.spi.Availability;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On the host kernel: IPVS is used when the kernel has it, and otherwise refused with one clear line, never a
 * stack trace from deep inside netlink. (This project's CI host has no IPVS; the VM tests cover the other case.)
 */
@Tag("kernel")
class KernelIpvsAvailabilityTest {

    @Test
    void availabilityMatchesTheKernelAndTheErrorSaysWhy() {
        Availability a = IpvsClient.availability(); // loads ip_vs if it is a module
        boolean kernelHasIpvs = Files.exists(Path.of("/proc/net/ip_vs"));
        assertEquals(kernelHasIpvs, a.available(), a.reason());
        if (kernelHasIpvs) {
            try (IpvsClient c = IpvsClient.open()) {
                assertEquals(1, c.info().versionCode() >> 16);
            }
        } else {
            UnsupportedByKernelException e = assertThrows(UnsupportedByKernelException.class, IpvsClient::open);
            assertTrue(e.getMessage().startsWith("IPVS: IPVS not available: this kernel has no IPVS"), e.getMessage());
            assertTrue(a.reason().contains("IPVS not available"), a.reason());
        }
    }
}
