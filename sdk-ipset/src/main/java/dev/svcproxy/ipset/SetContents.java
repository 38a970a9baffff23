// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import java.util.List;

/** A set as listed from the kernel: its specification, how many references it has, and its members. */
public record SetContents(IpSet set, int references, List<Entry> entries) {
    /**
     * A listed set; {@code entries} is copied.
     *
     * @param set its specification
     * @param references how many rules or sets refer to it
     * @param entries its members
     */
    public SetContents {
        entries = List.copyOf(entries);
    }
}
