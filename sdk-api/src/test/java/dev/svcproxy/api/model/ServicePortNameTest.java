// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServicePortNameTest {

    @Test
    void ordersAsItsTextDoesWithoutBuildingIt() {
        // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f), and ':' (0x3a) after the digits: comparing the parts one by
        // one would order several of these pairs the other way round
        List<ServicePortName> names = List.of(ServicePortName.of("a", "b", ""), ServicePortName.of("a-x", "b", ""),
                ServicePortName.of("a.x", "b", ""), ServicePortName.of("a", "b", "http"), ServicePortName.of("a", "b0", ""),
                ServicePortName.of("a", "b-c", "dns"), ServicePortName.of("a", "b", "dns"), ServicePortName.of("ab", "c", ""),
                ServicePortName.of("a", "bc", "x"), ServicePortName.of("default", "kubernetes", "https"),
                ServicePortName.of("default", "kubernetes", ""), ServicePortName.of("a", "b", "dns-tcp"));
        for (ServicePortName x : names) {
            for (ServicePortName y : names) {
                assertEquals(Integer.signum(x.toString().compareTo(y.toString())), Integer.signum(x.compareTo(y)), x + " vs " + y);
            }
        }
    }
}
