// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.api.netns.NetworkNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RouteClient on the host kernel: addresses on a veth; dummy links exactly when the kernel has them. */
@Tag("kernel")
class KernelRouteClientTest {

    @Test
    void addressesOnAVeth() {
        try (NetworkNamespace ns = RouteClientContract.ns("veth"); RouteClient c = RouteClient.open(ns.path())) {
            ns.sh("ip link add name v0 type veth peer name v1 && ip link set v0 up");
            assertEquals("veth", c.link("v0").orElseThrow().kind());
            RouteClientContract.addressesRoundTrip(ns, c, "v0");
            assertTrue(c.deleteLink("v0"));
            assertTrue(c.link("v0").isEmpty() && c.link("v1").isEmpty(), "a veth goes with its peer");
        }
    }

    @Test
    void dummyLinksWhereTheKernelHasThem() {
        try (NetworkNamespace ns = RouteClientContract.ns("dummy"); RouteClient c = RouteClient.open(ns.path())) {
            boolean kernelHasDummy = !ns.sh("ip link add name probe0 type dummy 2>/dev/null && echo yes || true").isBlank();
            if (kernelHasDummy) {
                assertEquals("dummy", c.ensureDummy("kube-ipvs0").kind());
            } else {
                UnsupportedByKernelException e = assertThrows(UnsupportedByKernelException.class, () -> c.ensureDummy("kube-ipvs0"));
                assertTrue(e.getMessage().contains("ip link add kube-ipvs0 type dummy"), e.getMessage());
            }
        }
    }
}
