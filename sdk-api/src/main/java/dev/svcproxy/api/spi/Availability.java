// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

/** Whether a backend can run here; when it cannot, {@link #reason()} says why in one line. */
public record Availability(boolean available, String reason) {

    /**
     * The backend can run here.
     *
     * @return an available result
     */
    public static Availability yes() {
        return new Availability(true, "available");
    }

    /**
     * The backend cannot run here.
     *
     * @param reason why, in one line (e.g. the missing kernel feature)
     * @return an unavailable result
     */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
