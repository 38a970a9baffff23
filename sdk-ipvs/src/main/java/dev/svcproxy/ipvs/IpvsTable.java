// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A desired IPVS table: virtual services with their real servers, ordered as {@code ipvsadm -S -n} lists them.
 * Destinations are stored as the kernel will store them ({@link Destination#normalizedFor}); a service or a real
 * server given twice is refused.
 */
public final class IpvsTable {
    static final Comparator<Destination> DESTINATION_ORDER =
            Comparator.comparing(Destination::address).thenComparingInt(Destination::port);

    private final Map<ServiceKey, VirtualServer> services = new TreeMap<>();
    private final Map<ServiceKey, List<Destination>> destinations = new TreeMap<>();

    /**
     * Adds a service and its real servers.
     *
     * @param service the service
     * @param dests its real servers
     * @return this table
     */
    public IpvsTable add(VirtualServer service, List<Destination> dests) {
        if (services.containsKey(service.key())) {
            throw new InvalidInputException("virtual service given twice", service.key().toString());
        }
        List<Destination> l = new ArrayList<>(dests.size());
        for (Destination d : dests) {
            Destination n = d.normalizedFor(service.key());
            if (l.stream().anyMatch(n::sameServer)) {
                throw new InvalidInputException("real server given twice", service.key() + " -r " + n.hostPort());
            }
            l.add(n);
        }
        l.sort(DESTINATION_ORDER);
        services.put(service.key(), service);
        destinations.put(service.key(), Collections.unmodifiableList(l));
        return this;
    }

    /**
     * Adds every service of {@code other} with its real servers; a service already here is refused.
     *
     * @param other another table
     * @return this table
     */
    public IpvsTable addAll(IpvsTable other) {
        for (ServiceKey k : other.services.keySet()) {
            if (services.containsKey(k)) {
                throw new InvalidInputException("virtual service given twice", k.toString());
            }
        }
        services.putAll(other.services);
        destinations.putAll(other.destinations);
        return this;
    }

    /**
     * Adds a service with its real servers.
     *
     * @param service the service
     * @param dests its real servers
     * @return this table
     */
    public IpvsTable add(VirtualServer service, Destination... dests) {
        return add(service, List.of(dests));
    }

    /**
     * The services, in the order added.
     *
     * @return an unmodifiable view
     */
    public Collection<VirtualServer> services() {
        return Collections.unmodifiableCollection(services.values());
    }

    /**
     * One service.
     *
     * @param key its key
     * @return the service, if the table has it
     */
    public Optional<VirtualServer> service(ServiceKey key) {
        return Optional.ofNullable(services.get(key));
    }

    /**
     * The real servers of {@code key} (empty if the table has no such service).
     *
     * @param key the service
     * @return its real servers
     */
    public List<Destination> destinations(ServiceKey key) {
        return destinations.getOrDefault(key, List.of());
    }

    /**
     * How many services the table holds.
     *
     * @return the count
     */
    public int size() {
        return services.size();
    }

    /** The table as {@code ipvsadm -S -n} would print it (what {@code ipvsadm -R} reads). */
    @Override
    public String toString() {
        return IpvsSave.render(this);
    }
}
