// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import java.util.Map;

/**
 * What {@link IpvsClient#apply} changed: how many services and real servers it added, edited and deleted, and
 * every change the kernel refused, keyed by the change in ipvsadm's words ({@code -a -t 10.0.0.1:80 -r ...}).
 */
public record ApplyResult(int servicesAdded, int servicesEdited, int servicesDeleted, int destinationsAdded,
                          int destinationsEdited, int destinationsDeleted, Map<String, RuntimeException> failures) {

    /**
     * A result; {@code failures} is copied.
     *
     * @param servicesAdded virtual services added
     * @param servicesEdited virtual services edited
     * @param servicesDeleted virtual services deleted
     * @param destinationsAdded real servers added
     * @param destinationsEdited real servers edited
     * @param destinationsDeleted real servers deleted
     * @param failures the refused changes, keyed by the change in ipvsadm's words
     */
    public ApplyResult {
        failures = Map.copyOf(failures);
    }

    /**
     * True if every change was made.
     *
     * @return true if nothing was refused
     */
    public boolean isComplete() {
        return failures.isEmpty();
    }

    /**
     * Changes made, all kinds together.
     *
     * @return the services and real servers added, edited and deleted
     */
    public int changes() {
        return servicesAdded + servicesEdited + servicesDeleted + destinationsAdded + destinationsEdited + destinationsDeleted;
    }
}
