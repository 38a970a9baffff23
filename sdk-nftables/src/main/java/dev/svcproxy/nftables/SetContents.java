// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.List;

/** A set or map as listed from the kernel: its specification and its elements, in the kernel's order. */
public record SetContents(NftSet set, List<Element> elements) {
    /**
     * A listed set; {@code elements} is copied.
     *
     * @param elements its elements
     * @param set its specification
     */
    public SetContents {
        elements = List.copyOf(elements);
    }
}
