// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Address and link checks shared by the host test (a veth) and the VM test (a dummy). */
abstract class RouteClientContract {
    static final InterfaceAddress V4 = InterfaceAddress.host(IpAddress.parse("10.101.57.97"));
    static final InterfaceAddress V6 = InterfaceAddress.host(IpAddress.parse("fd00::10"));
    static final InterfaceAddress NET = new InterfaceAddress(IpAddress.parse("10.99.0.2"), 24);

    static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-route-" + what + "-" + ProcessHandle.current().pid());
    }

    /** {@code ADDR/LEN} of every global address {@code ip -o addr show dev NAME} lists. */
    static Set<String> toolView(NetworkNamespace ns, String dev) {
        return ns.exec("ip", "-o", "addr", "show", "dev", dev).lines().map(l -> l.trim().split("\\s+"))
                .filter(t -> !t[3].startsWith("fe80:")).map(t -> t[3]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Binds, lists (as {@code ip addr} does) and unbinds addresses on {@code dev}. */
    static void addressesRoundTrip(NetworkNamespace ns, RouteClient c, String dev) {
        c.addAddress(dev, V4);
        c.addAddress(dev, V4); // idempotent
        c.addAddress(dev, V6);
        c.addAddress(dev, NET);
        Set<String> want = new TreeSet<>(List.of("10.101.57.97/32", "fd00::10/128", "10.99.0.2/24"));
        assertEquals(want, toolView(ns, dev));
        assertEquals(want, c.addresses(dev).stream().filter(a -> !a.address().toString().startsWith("fe80:"))
                .map(InterfaceAddress::toString).collect(Collectors.toCollection(TreeSet::new)));
        assertTrue(c.addresses().stream().map(InterfaceAddress::toString).collect(Collectors.toSet()).containsAll(want),
                "every interface's addresses include these");
        assertTrue(c.deleteAddress(dev, V4));
        assertFalse(c.deleteAddress(dev, V4), "already gone");
        assertEquals(Set.of("fd00::10/128", "10.99.0.2/24"), toolView(ns, dev));
        assertThrows(NotFoundException.class, () -> c.addresses("nosuch0"));
        assertThrows(NotFoundException.class, () -> c.addAddress("nosuch0", V4));
        assertThrows(InvalidInputException.class, () -> c.link("bad/name"));
        assertThrows(AlreadyExistsException.class, () -> c.ensureDummy(dev), "a non-dummy interface of that name");
    }
}
