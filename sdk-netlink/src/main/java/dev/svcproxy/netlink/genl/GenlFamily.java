// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.genl;

import java.util.Map;

/** A generic netlink family as the kernel's controller describes it. */
public record GenlFamily(String name, int id, int version, Map<String, Integer> multicastGroups) {
    /**
     * A family; {@code multicastGroups} is copied.
     *
     * @param name the family's name (e.g. {@code IPVS})
     * @param id its message type id
     * @param version its version
     * @param multicastGroups its multicast groups' ids, by name
     */
    public GenlFamily {
        multicastGroups = Map.copyOf(multicastGroups);
    }
}
