// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.model.ServiceTable;
import java.io.IOException;
import java.util.List;

/**
 * A dataplane that makes the kernel match a {@link ServiceTable}. Made by its
 * {@link ServiceProxyBackendProvider}; one instance programs one IP family in one network namespace.
 *
 * <p>Life cycle as a proxy drives it: {@link #prepare()} once, then {@link #sync} at every change and period; when
 * the proxy switches modes, every other installed mode's backend is asked {@link #hasLeftovers()} and
 * {@link #removeLeftovers(SharedState)} with this one's {@link #sharedState()}; {@code --cleanup} calls
 * {@link #unlink()} on every mode's backend, then {@link #cleanup()} on each.
 */
public interface ServiceProxyBackend extends AutoCloseable {

    /**
     * The provider's name, e.g. {@code iptables}.
     *
     * @return the name
     */
    String name();

    /**
     * Applies this backend's kernel prerequisites in its namespace before the first sync (sysctls such as
     * {@code route_localnet} or IPVS's {@code vs/*}, counters, timeouts), as kube-proxy does when it starts. What the
     * kernel refuses and kube-proxy only warns about is returned as warnings, one line each; the rest throws.
     *
     * @return applies this backend's kernel prerequisites in its namespace before the first sync (sysctls such as {@code route_localnet} or IPVS's {@code vs/*}, counters, timeouts), as kube-proxy does when it starts
     */
    default List<String> prepare() {
        return List.of();
    }

    /**
     * Makes the kernel state match {@code desired}. Idempotent: syncing the same table twice changes nothing
     * the second time. A service the backend cannot program is skipped and reported in the result; the others
     * are still programmed. A kernel refusal of the whole change throws and leaves the previous state.
     *
     * @param desired the desired state
     * @return makes the kernel state match {@code desired}
     */
    SyncResult sync(ServiceTable desired);

    /**
     * What a full sync of {@code desired} would apply, as the backend's own text (an {@code iptables-restore}
     * payload, ipvsadm and ipset lines, an nft transaction), without reading or changing the kernel.
     *
     * @param desired the desired state
     * @return what a full sync of {@code desired} would apply, as the backend's own text (an {@code iptables-restore} payload, ipvsadm and ipset lines, an nft transaction), without reading or changing the kernel
     */
    String render(ServiceTable desired);

    /**
     * {@link #render(ServiceTable)} written to {@code out}. Backends whose payloads are large override it to write line
     * by line instead of holding the whole text (an iptables payload of 10,000 services is tens of megabytes).
     *
     * @param desired the desired state
     * @param out where the text goes
     * @throws java.io.IOException if writing to {@code out} fails
     */
    default void render(ServiceTable desired, Appendable out) throws IOException {
        out.append(render(desired));
    }

    /**
     * Metrics this backend exposes beside the proxy's own; read at each scrape.
     *
     * @return metrics this backend exposes beside the proxy's own
     */
    default List<BackendMetric> metrics() {
        return List.of();
    }

    /**
     * Kernel objects this backend shares with other modes, which their {@link #removeLeftovers} must keep.
     *
     * @return kernel objects this backend shares with other modes, which their {@link #removeLeftovers} must keep
     */
    default SharedState sharedState() {
        return SharedState.none();
    }

    /**
     * Whether this mode left state in the kernel that another mode, now in charge, should remove.
     *
     * @return whether this mode left state in the kernel that another mode, now in charge, should remove
     */
    default boolean hasLeftovers() {
        return true;
    }

    /**
     * Removes what this mode installed except what {@code keep} names; called after another mode's first sync,
     * which has rewritten the shared objects so that nothing still refers to what goes.
     *
     * @param keep the keep
     */
    void removeLeftovers(SharedState keep);

    /**
     * The first step of a full clean-up: removes this mode's jump rules from the built-in chains and empties its own
     * chains, so that no rule refers to state that another mode's {@link #cleanup()} deletes (an ipset, a chain).
     */
    default void unlink() {
    }

    /** Removes everything this backend ever installed (kube-proxy's {@code --cleanup}). */
    default void cleanup() {
        removeLeftovers(SharedState.none());
    }

    @Override
    default void close() {
    }
}
