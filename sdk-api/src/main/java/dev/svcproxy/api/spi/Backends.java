// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.BackendUnavailableException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader}. An explicit name (argument, else the system property
 * {@value #PROPERTY}) wins and is never silently replaced; without one, the available provider with the lowest
 * priority is chosen. When nothing is usable the error lists every provider's reason.
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "svcproxy.backend";
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    /**
     * Every provider visible on the module path and class path, sorted by priority then name.
     *
     * @return every provider visible on the module path and class path, sorted by priority then name
     */
    public static List<ServiceProxyBackendProvider> providers() {
        return ServiceLoader.load(ServiceProxyBackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(ServiceProxyBackendProvider::priority)
                        .thenComparing(ServiceProxyBackendProvider::name))
                .toList();
    }

    /**
     * Chooses and creates a backend for {@code context}; {@code name} may be null or empty for "any".
     *
     * @param name the name
     * @param context the proxy's settings for the family
     * @return chooses and creates a backend for {@code context}
     */
    public static ServiceProxyBackend create(String name, BackendContext context) {
        return select(name, context).create(context);
    }

    /**
     * Chooses a provider as {@link #create} does, without creating the backend.
     *
     * @param name the name
     * @param context the proxy's settings for the family
     * @return chooses a provider as {@link #create} does, without creating the backend
     */
    public static ServiceProxyBackendProvider select(String name, BackendContext context) {
        return select(providers(), name, context);
    }

    /**
     * Whether {@code provider} can run for {@code context}; a probe that throws counts as "no", with the reason.
     *
     * @param provider a backend provider
     * @param context the proxy's settings for the family
     * @return whether {@code provider} can run for {@code context}
     */
    public static Availability availability(ServiceProxyBackendProvider provider, BackendContext context) {
        try {
            return provider.availability(context);
        } catch (RuntimeException e) {
            return Availability.no("availability probe failed: " + e);
        }
    }

    /**
     * Creates {@code provider}'s backend for {@code context} if it can run there; else throws
     * {@link BackendUnavailableException} with its reason.
     *
     * @param provider a backend provider
     * @param context the proxy's settings for the family
     * @return creates {@code provider}'s backend for {@code context} if it can run there
     */
    public static ServiceProxyBackend create(ServiceProxyBackendProvider provider, BackendContext context) {
        return create(provider, context, availability(provider, context));
    }

    /**
     * Creates {@code provider}'s backend for {@code context} with its availability already probed (for the same family
     * and network namespace: a probe does not depend on the services, so it can run while they are still being read);
     * throws {@link BackendUnavailableException} with the probe's reason as {@link #create(ServiceProxyBackendProvider,
     * BackendContext)} would.
     *
     * @param provider a backend provider
     * @param context the proxy's settings for the family
     * @param probed what {@link #availability} said for this provider, family and namespace
     * @return the backend
     */
    public static ServiceProxyBackend create(ServiceProxyBackendProvider provider, BackendContext context,
                                             Availability probed) {
        if (!probed.available()) {
            throw new BackendUnavailableException("backend '" + provider.name() + "' cannot run here",
                    Map.of(provider.name(), probed.reason()));
        }
        LOG.info("backend {} selected for {}", provider.name(), context.family());
        return provider.create(context);
    }

    static ServiceProxyBackendProvider select(List<ServiceProxyBackendProvider> providers, String name,
                                              BackendContext context) {
        String wanted = Optional.ofNullable(name).filter(n -> !n.isBlank())
                .orElse(System.getProperty(PROPERTY, "")).strip();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (ServiceProxyBackendProvider p : providers) {
            if (!wanted.isEmpty() && !p.name().equals(wanted)) {
                reasons.put(p.name(), "not selected (wanted '" + wanted + "')");
                continue;
            }
            Availability a = availability(p, context);
            if (a.available()) {
                LOG.info("backend {} selected for {}", p.name(), context.family());
                return p;
            }
            reasons.put(p.name(), a.reason());
        }
        if (!wanted.isEmpty() && providers.stream().noneMatch(p -> p.name().equals(wanted))) {
            throw new BackendUnavailableException("no backend named '" + wanted + "' is installed", reasons);
        }
        if (!wanted.isEmpty()) {
            throw new BackendUnavailableException("backend '" + wanted + "' cannot run here", reasons);
        }
        throw new BackendUnavailableException(providers.isEmpty()
                ? "no backend is installed (put sdk-iptables or another backend module on the module path)"
                : "no installed backend can run here", reasons);
    }
}
