// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

/** A virtual service as the kernel reports it: its configuration and its counters. */
public record ObservedService(VirtualServer service, Stats stats) {

    /**
     * The service's identity.
     *
     * @return its key
     */
    public ServiceKey key() {
        return service.key();
    }
}
