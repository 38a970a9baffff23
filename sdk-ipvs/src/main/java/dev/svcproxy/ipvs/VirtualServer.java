// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A virtual service as configured: its {@link ServiceKey}, scheduler, flags, persistence timeout in seconds
 * (0 = not persistent) and persistence netmask as a prefix length (32 or 128 = per client address). What the kernel
 * counts for it is in {@link ObservedService}, not here, so two equal VirtualServers are the same configuration.
 */
public record VirtualServer(ServiceKey key, String scheduler, Set<ServiceFlag> flags, long persistenceTimeout,
                            int persistenceNetmask) {
    /** The schedulers kube-proxy accepts plus {@code mh}; the kernel may know more ({@code fo}, {@code ovf}, ...). */
    public static final Set<String> WELL_KNOWN_SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh");
    private static final Pattern SCHEDULER = Pattern.compile("[a-z][a-z0-9_]{0,14}");

    /**
     * A virtual service.
     *
     * @param key its identity
     * @param scheduler the IPVS scheduler's name (e.g. {@code rr}), 1-15 lower-case characters
     * @param flags its flags, each valid for the scheduler
     * @param persistenceTimeout seconds a client sticks to its real server, 0 for none
     * @param persistenceNetmask the prefix length that groups clients for persistence
     * @throws dev.svcproxy.api.InvalidInputException for a bad scheduler name, flag, timeout or netmask
     */
    public VirtualServer {
        Objects.requireNonNull(key, "key");
        if (scheduler == null || !SCHEDULER.matcher(scheduler).matches()) {
            throw new InvalidInputException("a scheduler name is 1-15 lower-case letters, digits or '_' (e.g. rr)",
                    key + " -s " + scheduler);
        }
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        ServiceFlag.check(flags, scheduler, key.toString());
        if (persistenceTimeout < 0 || persistenceTimeout > 0xffffffffL / 100) {
            throw new InvalidInputException("persistence timeout out of range", key + " -p " + persistenceTimeout);
        }
        int bits = key.family() == IpFamily.IPV4 ? 32 : 128;
        if (persistenceNetmask < 1 || persistenceNetmask > bits) {
            throw new InvalidInputException("persistence netmask must be a prefix length 1-" + bits, key + " -M " + persistenceNetmask);
        }
    }

    /**
     * A service with {@code scheduler}, no flags, no persistence.
     *
     * @param key its identity
     * @param scheduler the scheduler's name
     * @return the service, without flags or persistence
     */
    public static VirtualServer of(ServiceKey key, String scheduler) {
        return new VirtualServer(key, scheduler, Set.of(), 0, key.family() == IpFamily.IPV4 ? 32 : 128);
    }

    /**
     * This service with other flags.
     *
     * @param newFlags the flags
     * @return a new service
     */
    public VirtualServer withFlags(Set<ServiceFlag> newFlags) {
        return new VirtualServer(key, scheduler, newFlags, persistenceTimeout, persistenceNetmask);
    }

    /**
     * Persistent for {@code seconds} (ipvsadm {@code -p}; kube-proxy uses the ClientIP affinity timeout).
     *
     * @param seconds the timeout, 0 for none
     * @return a new service
     */
    public VirtualServer withPersistence(long seconds) {
        return new VirtualServer(key, scheduler, flags, seconds, persistenceNetmask);
    }

    /**
     * Clients in the same {@code /prefix} share a persistence entry (ipvsadm {@code -M}).
     *
     * @param prefix the prefix length
     * @return a new service
     */
    public VirtualServer withPersistenceNetmask(int prefix) {
        return new VirtualServer(key, scheduler, flags, persistenceTimeout, prefix);
    }

    /**
     * This service with another scheduler.
     *
     * @param newScheduler the scheduler's name
     * @return a new service
     */
    public VirtualServer withScheduler(String newScheduler) {
        return new VirtualServer(key, newScheduler, flags, persistenceTimeout, persistenceNetmask);
    }

    /**
     * Whether clients stick to a real server.
     *
     * @return true for a persistence timeout above 0
     */
    public boolean isPersistent() {
        return persistenceTimeout > 0;
    }
}
