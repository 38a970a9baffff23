// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.ipvs.internal.NetlinkIpvsClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads and changes the kernel's IPVS table over generic netlink, in this or another network namespace. Errors
 * are typed: a missing service or real server is {@link dev.svcproxy.api.NotFoundException}, a duplicate
 * {@link dev.svcproxy.api.AlreadyExistsException}, a scheduler the kernel does not have
 * {@link dev.svcproxy.api.InvalidInputException}; {@link #open()} on a kernel without IPVS throws
 * {@link dev.svcproxy.api.UnsupportedByKernelException} ("IPVS not available: ...").
 */
public interface IpvsClient extends AutoCloseable {

    /**
     * The kernel's IPVS version and connection table size.
     *
     * @return the information
     */
    IpvsInfo info();

    /**
     * Every virtual service with its counters, in ipvsadm's order.
     *
     * @return the services
     */
    List<ObservedService> services();

    /**
     * One virtual service with its counters.
     *
     * @param key the service's protocol, address and port (or firewall mark)
     * @return the service, if the kernel has it
     */
    Optional<ObservedService> service(ServiceKey key);

    /**
     * The real servers of a service with their counters; {@link dev.svcproxy.api.NotFoundException} if no such service.
     *
     * @param key the service
     * @return its real servers
     */
    List<ObservedDestination> destinations(ServiceKey key);

    /**
     * Adds a virtual service; {@link dev.svcproxy.api.AlreadyExistsException} if it exists.
     *
     * @param service the service
     */
    void addService(VirtualServer service);

    /**
     * Changes scheduler, flags or persistence of an existing service.
     *
     * @param service the new configuration of an existing service
     */
    void editService(VirtualServer service);

    /**
     * Deletes a virtual service and its real servers; {@link dev.svcproxy.api.NotFoundException} if there is none.
     *
     * @param key the service
     */
    void deleteService(ServiceKey key);

    /**
     * Adds a real server to a service; {@link dev.svcproxy.api.AlreadyExistsException} if it is there already.
     *
     * @param key the service
     * @param destination the real server
     */
    void addDestination(ServiceKey key, Destination destination);

    /**
     * Changes weight, thresholds or forwarding of an existing real server.
     *
     * @param key the service
     * @param destination the new configuration of an existing real server
     */
    void editDestination(ServiceKey key, Destination destination);

    /**
     * Deletes a real server; {@link dev.svcproxy.api.NotFoundException} if there is none.
     *
     * @param key the service
     * @param address the real server's address
     * @param port the real server's port
     */
    void deleteDestination(ServiceKey key, IpAddress address, int port);

    /** Deletes every service (and so every real server). */
    void flush();

    /**
     * The IPVS connection timeouts ({@code ipvsadm -L --timeout}).
     *
     * @return the timeouts
     */
    Timeouts timeouts();

    /**
     * Sets the timeouts that are not 0.
     *
     * @param timeouts the timeouts; 0 leaves one as it is
     */
    void setTimeouts(Timeouts timeouts);

    /**
     * Makes the kernel's table equal to {@code desired} for the services {@code owned} accepts: adds, edits and
     * deletes services and real servers (services not owned are left alone). Reads the table once, then sends every
     * change in one batch; a refused change does not stop the others and is reported in the result.
     *
     * @param desired the table wanted
     * @param owned which services this caller manages
     * @return what changed and what was refused
     */
    ApplyResult apply(IpvsTable desired, Predicate<ServiceKey> owned);

    /**
     * Turns the table from {@code current} into {@code desired} without reading the kernel: only the services and
     * real servers that differ between the two are added, edited or deleted, in one batch. For a caller that keeps
     * what it last applied; if the kernel no longer holds {@code current} (someone else changed it), a change may be
     * refused (reported in the result) or miss a difference, and {@link #apply(IpvsTable, Predicate)} repairs it.
     *
     * @param current what the caller last applied
     * @param desired the table wanted
     * @return what changed and what was refused
     */
    ApplyResult applyChange(IpvsTable current, IpvsTable desired);

    /**
     * {@link #apply(IpvsTable, Predicate)} owning every service: the kernel's table becomes exactly {@code desired}.
     *
     * @param desired the table wanted
     * @return what changed and what was refused
     */
    default ApplyResult apply(IpvsTable desired) {
        return apply(desired, k -> true);
    }

    @Override
    default void close() {
    }

    /**
     * A client in this network namespace (loads {@code ip_vs} if the kernel has it as a module).
     *
     * @return a client; close it when done
     */
    static IpvsClient open() {
        return new NetlinkIpvsClient(Optional.empty());
    }

    /**
     * A client in the network namespace at {@code netns}.
     *
     * @param netns the namespace's path
     * @return a client; close it when done
     */
    static IpvsClient open(Path netns) {
        return new NetlinkIpvsClient(Optional.of(netns));
    }

    /**
     * Whether IPVS can be used here, and if not, why.
     *
     * @return available, or why not
     */
    static Availability availability() {
        return NetlinkIpvsClient.availability();
    }
}
