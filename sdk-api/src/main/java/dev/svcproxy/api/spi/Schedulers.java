// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/** Finds {@link Scheduler} plug-ins by name with {@link ServiceLoader}, and runs them with their contract checked. */
public final class Schedulers {

    private Schedulers() {
    }

    /**
     * Every scheduler installed (the module path's or class path's {@code provides Scheduler}), this module's
     * {@code random} included.
     *
     * @return the schedulers, in discovery order
     */
    public static List<Scheduler> all() {
        return ServiceLoader.load(Scheduler.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /**
     * The scheduler named {@code name}; fails listing the installed ones if there is none.
     *
     * @param name the name
     * @return the scheduler named {@code name}
     */
    public static Scheduler find(String name) {
        List<Scheduler> all = all();
        return all.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("no scheduler of that name; installed: "
                        + all.stream().map(Scheduler::name).sorted().collect(Collectors.joining(", ")),
                        "scheduler " + name));
    }

    /**
     * Runs {@code scheduler} for {@code backend}, checking its contract: it supports the backend, returns each
     * given endpoint at most once and no other. Throws {@link InvalidInputException} naming the service otherwise.
     *
     * @param scheduler the scheduler
     * @param backend the backend's name
     * @param service the service
     * @param endpoints the service's endpoints
     * @return the endpoints with their weights
     */
    public static List<WeightedEndpoint> schedule(Scheduler scheduler, String backend, VirtualService service,
                                                  List<Endpoint> endpoints) {
        String id = service.name() + " (scheduler " + scheduler.name() + ")";
        if (!scheduler.supports(backend)) {
            throw new InvalidInputException("scheduler cannot be expressed by the " + backend + " backend", id);
        }
        List<WeightedEndpoint> out = scheduler.schedule(service, endpoints);
        Set<Endpoint> given = new HashSet<>(endpoints);
        Set<Endpoint> seen = new HashSet<>();
        for (WeightedEndpoint w : out) {
            if (!given.contains(w.endpoint()) || !seen.add(w.endpoint())) {
                throw new InvalidInputException("scheduler returned an unknown or repeated endpoint "
                        + w.endpoint(), id);
            }
        }
        return out;
    }
}
