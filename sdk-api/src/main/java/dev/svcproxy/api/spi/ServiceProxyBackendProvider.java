// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

/**
 * The {@link java.util.ServiceLoader} entry point of a backend. Implementations need a public no-argument
 * constructor and are registered both with {@code provides ... with ...} in {@code module-info.java} and in
 * {@code META-INF/services/dev.svcproxy.api.spi.ServiceProxyBackendProvider}.
 */
public interface ServiceProxyBackendProvider {

    /**
     * A short unique name: {@code iptables}, {@code ipvs}, {@code nftables}, ...
     *
     * @return a short unique name
     */
    String name();

    /**
     * Whether this backend can run here, and if not why (missing tool, kernel feature, privilege).
     *
     * @param context the proxy's settings for the family
     * @return whether this backend can run here, and if not why (missing tool, kernel feature, privilege)
     */
    Availability availability(BackendContext context);

    /**
     * Discovery tries providers with a lower priority first when no name is given.
     *
     * @return discovery tries providers with a lower priority first when no name is given
     */
    default int priority() {
        return 100;
    }

    /**
     * Creates a backend for the context; call only when {@link #availability} says it is available.
     *
     * @param context the proxy's settings for the family
     * @return creates a backend for the context
     */
    ServiceProxyBackend create(BackendContext context);

    /**
     * What a full sync of {@code table} would apply, as text, touching nothing. The default creates a backend and
     * asks it; providers whose backends need the kernel to be created render without one.
     *
     * @param context the proxy's settings for the family
     * @param table the table
     * @return what a full sync of {@code table} would apply, as text, touching nothing
     */
    default String render(BackendContext context, dev.svcproxy.api.model.ServiceTable table) {
        try (ServiceProxyBackend b = create(context)) {
            return b.render(table);
        }
    }

    /**
     * {@link #render(BackendContext, dev.svcproxy.api.model.ServiceTable)} written to {@code out}; providers whose
     * payloads are large override it to stream ({@link ServiceProxyBackend#render(dev.svcproxy.api.model.ServiceTable,
     * Appendable)}).
     *
     * @param context the proxy's settings for the family
     * @param table the table
     * @param out where the text goes
     * @throws java.io.IOException if writing to {@code out} fails
     */
    default void render(BackendContext context, dev.svcproxy.api.model.ServiceTable table, Appendable out) throws java.io.IOException {
        out.append(render(context, table));
    }
}
