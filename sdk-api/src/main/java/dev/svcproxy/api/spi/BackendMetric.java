package dev.svcproxy.api.spi;

import java.util.function.DoubleSupplier;

/**
 * A metric a backend exposes beside the proxy's own (kube-proxy's iptables mode has two nfacct packet counters),
 * read at every scrape; {@link Double#NaN} when it cannot be read.
 *
 * @param name  the Prometheus name, e.g. {@code kubeproxy_iptables_localhost_nodeports_accepted_packets_total}
 * @param help  one line for {@code # HELP}
 * @param value read at scrape time
 */
public record BackendMetric(String name, String help, DoubleSupplier value) {
}
