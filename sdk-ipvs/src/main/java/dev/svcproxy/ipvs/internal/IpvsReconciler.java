// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.internal;

import dev.svcproxy.ipvs.ApplyResult;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ObservedService;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.VirtualServer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Computes the changes that turn the current table into the desired one, and tallies their outcome. Shared by
 * the kernel client (which sends the changes as one batch) and the fake (which makes them one by one).
 */
public final class IpvsReconciler {

    private static final List<Class<?>> KINDS = List.of(IpvsOp.AddService.class, IpvsOp.EditService.class,
            IpvsOp.DeleteService.class, IpvsOp.AddDestination.class, IpvsOp.EditDestination.class,
            IpvsOp.DeleteDestination.class);

    private IpvsReconciler() {
    }

    /**
     * The changes, in a safe order: stale real servers and services go first, then service edits and additions,
     * then real server additions and edits. Reads {@code current}'s table: its services, then each one's real servers.
     */
    public static List<IpvsOp> diff(IpvsClient current, IpvsTable desired, Predicate<ServiceKey> owned) {
        return diff(current.services().stream().map(ObservedService::service).toList(),
                k -> current.destinations(k).stream().map(ObservedDestination::destination).toList(), desired, owned);
    }

    /** {@link #diff(IpvsClient, IpvsTable, Predicate)} from a table known without asking the kernel. */
    public static List<IpvsOp> diff(IpvsTable current, IpvsTable desired) {
        return diff(current.services(), current::destinations, desired, k -> true);
    }

    private static List<IpvsOp> diff(Collection<VirtualServer> current, Function<ServiceKey, List<Destination>> currentDests,
                                      IpvsTable desired, Predicate<ServiceKey> owned) {
        List<IpvsOp> delDests = new ArrayList<>();
        List<IpvsOp> delServices = new ArrayList<>();
        List<IpvsOp> services = new ArrayList<>();
        List<IpvsOp> addDests = new ArrayList<>();
        List<IpvsOp> editDests = new ArrayList<>();
        Map<ServiceKey, VirtualServer> have = new HashMap<>();
        for (VirtualServer s : current) {
            have.put(s.key(), s);
            if (desired.service(s.key()).isEmpty() && owned.test(s.key())) {
                delServices.add(new IpvsOp.DeleteService(s.key()));
            }
        }
        for (VirtualServer want : desired.services()) {
            VirtualServer got = have.get(want.key());
            List<Destination> wantDests = desired.destinations(want.key());
            if (got == null) {
                services.add(new IpvsOp.AddService(want));
                wantDests.forEach(d -> addDests.add(new IpvsOp.AddDestination(want.key(), d)));
                continue;
            }
            if (!got.equals(want)) {
                services.add(new IpvsOp.EditService(want));
            }
            List<Destination> gotDests = currentDests.apply(want.key());
            if (gotDests.equals(wantDests)) {
                continue;
            }
            for (Destination g : gotDests) {
                if (wantDests.stream().noneMatch(g::sameServer)) {
                    delDests.add(new IpvsOp.DeleteDestination(want.key(), g));
                }
            }
            for (Destination w : wantDests) {
                Optional<Destination> g = gotDests.stream().filter(w::sameServer).findFirst();
                if (g.isEmpty()) {
                    addDests.add(new IpvsOp.AddDestination(want.key(), w));
                } else if (!g.get().equals(w)) {
                    editDests.add(new IpvsOp.EditDestination(want.key(), w));
                }
            }
        }
        List<IpvsOp> all = new ArrayList<>(delDests);
        all.addAll(delServices);
        all.addAll(services);
        all.addAll(addDests);
        all.addAll(editDests);
        return all;
    }

    /** Applies {@code ops} with {@code execute} (one error or none per op, in order) and tallies the result. */
    public static ApplyResult apply(List<IpvsOp> ops, Function<List<IpvsOp>, List<Optional<RuntimeException>>> execute) {
        List<Optional<RuntimeException>> outcome = ops.isEmpty() ? List.of() : execute.apply(ops);
        int[] n = new int[6];
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            IpvsOp op = ops.get(i);
            if (outcome.get(i).isPresent()) {
                failures.put(op.toString(), outcome.get(i).get());
                continue;
            }
            n[KINDS.indexOf(op.getClass())]++;
        }
        return new ApplyResult(n[0], n[1], n[2], n[3], n[4], n[5], failures);
    }
}
