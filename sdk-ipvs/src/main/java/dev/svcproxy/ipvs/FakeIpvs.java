// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.ipvs.internal.IpvsOp;
import dev.svcproxy.ipvs.internal.IpvsReconciler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-memory IPVS table with the kernel's rules: duplicate services and real servers are refused, a real server
 * needs its service, a scheduler must be one the kernel has (the well-known ones plus {@code fo} and {@code ovf}),
 * direct-routed and tunnelled real servers take the service's port. Counters stay zero. Held to the same
 * compatibility tests as the kernel client. Thread-safe.
 */
public final class FakeIpvs implements IpvsClient {
    private static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed",
            "nq", "mh", "fo", "ovf");
    private final Map<ServiceKey, VirtualServer> services = new TreeMap<>();
    private final Map<ServiceKey, List<Destination>> destinations = new TreeMap<>();
    private Timeouts timeouts = new Timeouts(900, 120, 300);

    @Override
    public IpvsInfo info() {
        return new IpvsInfo(0x010201, 4096);
    }

    @Override
    public synchronized List<ObservedService> services() {
        return services.values().stream().map(s -> new ObservedService(s, Stats.ZERO)).toList();
    }

    @Override
    public synchronized Optional<ObservedService> service(ServiceKey key) {
        return Optional.ofNullable(services.get(key)).map(s -> new ObservedService(s, Stats.ZERO));
    }

    private List<Destination> dests(ServiceKey key, String op) {
        List<Destination> l = destinations.get(key);
        if (l == null) {
            throw new NotFoundException("no such virtual service (ESRCH)", op);
        }
        return l;
    }

    @Override
    public synchronized List<ObservedDestination> destinations(ServiceKey key) {
        return dests(key, "ipvsadm -L -n " + key).stream().sorted(IpvsTable.DESTINATION_ORDER)
                .map(d -> new ObservedDestination(d, 0, 0, 0, Stats.ZERO)).toList();
    }

    private static void checkScheduler(VirtualServer s, IpvsOp op) {
        if (!SCHEDULERS.contains(s.scheduler())) {
            throw new InvalidInputException("unknown scheduler '" + s.scheduler() + "' (this kernel has no ip_vs_"
                    + s.scheduler() + ")", op.toString());
        }
    }

    @Override
    public synchronized void addService(VirtualServer service) {
        IpvsOp op = new IpvsOp.AddService(service);
        checkScheduler(service, op);
        if (services.containsKey(service.key())) {
            throw new AlreadyExistsException("virtual service exists (EEXIST)", op.toString());
        }
        services.put(service.key(), service);
        destinations.put(service.key(), new ArrayList<>());
    }

    @Override
    public synchronized void editService(VirtualServer service) {
        IpvsOp op = new IpvsOp.EditService(service);
        checkScheduler(service, op);
        if (!services.containsKey(service.key())) {
            throw new NotFoundException("no such virtual service (ESRCH)", op.toString());
        }
        services.put(service.key(), service);
    }

    @Override
    public synchronized void deleteService(ServiceKey key) {
        if (services.remove(key) == null) {
            throw new NotFoundException("no such virtual service (ESRCH)", new IpvsOp.DeleteService(key).toString());
        }
        destinations.remove(key);
    }

    @Override
    public synchronized void addDestination(ServiceKey key, Destination destination) {
        Destination d = destination.normalizedFor(key);
        String op = new IpvsOp.AddDestination(key, d).toString();
        List<Destination> l = dests(key, op);
        if (l.stream().anyMatch(d::sameServer)) {
            throw new AlreadyExistsException("real server exists (EEXIST)", op);
        }
        l.add(d);
    }

    @Override
    public synchronized void editDestination(ServiceKey key, Destination destination) {
        Destination d = destination.normalizedFor(key);
        String op = new IpvsOp.EditDestination(key, d).toString();
        List<Destination> l = dests(key, op);
        l.set(indexOf(l, d, op), d);
    }

    /** Where the real server {@code d} is in {@code l}; {@link NotFoundException} naming {@code op} if it is not. */
    private static int indexOf(List<Destination> l, Destination d, String op) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).sameServer(d)) {
                return i;
            }
        }
        throw new NotFoundException("no such real server (ENOENT)", op);
    }

    @Override
    public synchronized void deleteDestination(ServiceKey key, IpAddress address, int port) {
        Destination d = Destination.masq(address, port, 0);
        String op = new IpvsOp.DeleteDestination(key, d).toString();
        List<Destination> l = dests(key, op);
        l.remove(indexOf(l, d, op));
    }

    @Override
    public synchronized void flush() {
        services.clear();
        destinations.clear();
    }

    @Override
    public synchronized Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public synchronized void setTimeouts(Timeouts t) {
        timeouts = new Timeouts(t.tcp() > 0 ? t.tcp() : timeouts.tcp(), t.tcpFin() > 0 ? t.tcpFin() : timeouts.tcpFin(),
                t.udp() > 0 ? t.udp() : timeouts.udp());
    }

    @Override
    public synchronized ApplyResult applyChange(IpvsTable current, IpvsTable desired) {
        return IpvsReconciler.apply(IpvsReconciler.diff(current, desired), ops -> ops.stream().map(this::tryApply).toList());
    }

    @Override
    public synchronized ApplyResult apply(IpvsTable desired, Predicate<ServiceKey> owned) {
        return IpvsReconciler.apply(IpvsReconciler.diff(this, desired, owned), ops -> ops.stream().map(this::tryApply).toList());
    }

    private Optional<RuntimeException> tryApply(IpvsOp op) {
        try {
            if (op instanceof IpvsOp.AddService a) {
                addService(a.service());
            } else if (op instanceof IpvsOp.EditService e) {
                editService(e.service());
            } else if (op instanceof IpvsOp.DeleteService d) {
                deleteService(d.key());
            } else if (op instanceof IpvsOp.AddDestination a) {
                addDestination(a.key(), a.destination());
            } else if (op instanceof IpvsOp.EditDestination e) {
                editDestination(e.key(), e.destination());
            } else if (op instanceof IpvsOp.DeleteDestination d) {
                deleteDestination(d.key(), d.destination().address(), d.destination().port());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e);
        }
    }
}
