package dev.svcproxy.api.spi;

import dev.svcproxy.api.model.ServiceTable;

/**
 * A dataplane that makes the kernel match a {@link ServiceTable}. Made by its
 * {@link ServiceProxyBackendProvider}; one instance programs one IP family in one network namespace.
 */
public interface ServiceProxyBackend extends AutoCloseable {

    /** The provider's name, e.g. {@code iptables}. */
    String name();

    /**
     * Makes the kernel state match {@code desired}. Idempotent: syncing the same table twice changes nothing
     * the second time. A service the backend cannot program is skipped and reported in the result; the others
     * are still programmed. A kernel refusal of the whole change throws and leaves the previous state.
     */
    SyncResult sync(ServiceTable desired);

    /**
     * What a full sync of {@code desired} would apply, as the backend's own text (an {@code iptables-restore}
     * payload, ipvsadm and ipset lines, an nft transaction), without reading or changing the kernel.
     */
    String render(ServiceTable desired);

    /** Removes everything this backend ever installed (kube-proxy's {@code --cleanup}). */
    void cleanup();

    @Override
    default void close() {
    }
}
