// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.netns.NetworkNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RouteClient in the kernel VM, which has dummy interfaces: IPVS's {@code kube-ipvs0} and its addresses. */
@Tag("vm")
class VmRouteClientTest {

    @Test
    void kubeIpvs0() {
        try (NetworkNamespace ns = RouteClientContract.ns("vm"); RouteClient c = RouteClient.open(ns.path())) {
            RouteClient.Link link = c.ensureDummy("kube-ipvs0");
            assertEquals(link, c.ensureDummy("kube-ipvs0"), "idempotent");
            assertTrue(ns.exec("ip", "-d", "link", "show", "kube-ipvs0").contains("dummy"));
            assertTrue(ns.exec("ip", "link", "show", "kube-ipvs0").contains("state DOWN"), "left down, as kube-proxy leaves it");
            c.addAddress("kube-ipvs0", RouteClientContract.V4);
            assertTrue(ns.exec("ip", "route", "show", "table", "local").contains("local 10.101.57.97 dev kube-ipvs0"),
                    "a bound service address is local even on a down interface");
            c.deleteAddress("kube-ipvs0", RouteClientContract.V4);
            ns.exec("ip", "link", "add", "name", "v0", "type", "veth", "peer", "name", "v1");
            try {
                c.ensureDummy("v0");
            } catch (AlreadyExistsException expected) {
                // a veth named v0 is not a dummy
            }
            RouteClientContract.addressesRoundTrip(ns, c, "v0");
            assertTrue(c.deleteLink("kube-ipvs0"));
            assertFalse(c.deleteLink("kube-ipvs0"));
        }
    }
}
