// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples;

import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;

/**
 * Prints the backends and schedulers {@link java.util.ServiceLoader} finds, and whether each backend can run here.
 * Works the same on the module path and the class path; CI runs it both ways.
 */
public final class ListBackends {

    private ListBackends() {
    }

    public static void main(String[] args) {
        String mode = ListBackends.class.getModule().isNamed() ? "module path" : "class path";
        System.out.println("discovery on the " + mode);
        for (ServiceProxyBackendProvider p : Backends.providers()) {
            Availability a = p.availability(BackendContext.defaults());
            System.out.println("backend " + p.name() + ": " + (a.available() ? "available" : "unavailable: " + a.reason()));
        }
        for (Scheduler s : Schedulers.all()) {
            System.out.println("scheduler " + s.name());
        }
    }
}
