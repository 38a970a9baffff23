// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The services whose rules a backend's kernel refused, kept out of its syncs until they change, so that one bad
 * service never costs the others theirs. A refused service is replaced by its last good version (the one the kernel
 * has) or left out if it has none, and is reported in every sync result while it stays refused. Services are told
 * apart by port name and protocol.
 */
public final class RefusedServices {
    private final Function<VirtualService, Optional<VirtualService>> lastGood;
    private final Map<String, Refusal> refused = new HashMap<>();

    /** A service the kernel refused, as it was then, and what the kernel said. */
    private record Refusal(VirtualService service, String message) {
    }

    /** @param lastGood the version of a service the kernel has now (from the backend's last good sync), if any */
    public RefusedServices(Function<VirtualService, Optional<VirtualService>> lastGood) {
        this.lastGood = lastGood;
    }

    /**
     * How a service is named in reports: {@code ns/name:port/proto}.
     *
     * @param v the refused service
     * @return how a service is named in reports
     */
    public static String key(VirtualService v) {
        return v.name() + "/" + v.protocol().lowerName();
    }

    /**
     * Records that the kernel refused {@code v}, saying {@code message}; adds the report to {@code skipped} and returns
     * {@code table} with {@code v} replaced by its last good version, or without it, to sync again.
     *
     * @param table the table
     * @param v the refused service
     * @param message the message
     * @param skipped where each service left out is reported
     * @return {@code table} without {@code v}
     */
    public ServiceTable refuse(ServiceTable table, VirtualService v, String message, List<SyncResult.Skipped> skipped) {
        refused.put(key(v), new Refusal(v, message));
        skipped.add(report(v, message));
        return replaced(table, v);
    }

    /**
     * {@code desired} without the refused services that have not changed since; those are reported in {@code skipped}.
     *
     * @param desired the desired state
     * @param skipped where each service left out is reported
     * @return {@code desired} without the refused services that have not changed since
     */
    public ServiceTable withoutRefused(ServiceTable desired, List<SyncResult.Skipped> skipped) {
        if (refused.isEmpty()) {
            return desired;
        }
        ServiceTable table = desired;
        Set<String> present = new HashSet<>();
        for (VirtualService v : desired.services()) {
            present.add(key(v));
            Refusal r = refused.get(key(v));
            if (r != null && r.service().equals(v)) {
                skipped.add(report(v, r.message()));
                table = replaced(table, v);
            } else {
                refused.remove(key(v));
            }
        }
        refused.keySet().retainAll(present);
        return table;
    }

    /** What is reported of a refused service: the kernel's words, and whether its last good rules stay. */
    private SyncResult.Skipped report(VirtualService v, String message) {
        boolean keeps = lastGood.apply(v).filter(g -> !g.equals(v)).isPresent();
        return new SyncResult.Skipped(key(v), "the kernel refused its rules (" + message + "); "
                + (keeps ? "its last good rules stay" : "left out") + " until it changes");
    }

    /** {@code table} with {@code v} replaced by its last good version, or without it if it had none. */
    private ServiceTable replaced(ServiceTable table, VirtualService v) {
        Optional<VirtualService> good = lastGood.apply(v).filter(g -> !g.equals(v));
        List<VirtualService> services = new ArrayList<>();
        for (VirtualService x : table.services()) {
            if (!x.equals(v)) {
                services.add(x);
            } else {
                good.ifPresent(services::add);
            }
        }
        return ServiceTable.builder().from(table).services(services).build();
    }
}
