// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import java.util.function.DoubleSupplier;

/**
 * A counter a backend exposes beside the proxy's own (kube-proxy's iptables mode has two nfacct packet counters),
 * read at every scrape; {@link Double#NaN} when it cannot be read.
 *
 * @param name      the Prometheus name, e.g. {@code kubeproxy_iptables_localhost_nodeports_accepted_packets_total}
 * @param help      one line for {@code # HELP}
 * @param value     read at scrape time
 * @param perFamily true if each IP family's backend counts its own (the proxy labels it {@code ip_family}); false for
 *                  one count of the namespace that every family's backend reads alike (exposed once, unlabelled)
 */
public record BackendMetric(String name, String help, DoubleSupplier value, boolean perFamily) {

    /**
     * A namespace-wide counter ({@code perFamily} false).
     *
     * @param name the name
     * @param help the help
     * @param value the value
     */
    public BackendMetric(String name, String help, DoubleSupplier value) {
        this(name, help, value, false);
    }
}
