// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.spi.BackendMetric;
import dev.svcproxy.netlink.netns.Sysctls;
import dev.svcproxy.netlink.nfacct.NfacctClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iptables mode's kernel prerequisites in one network namespace, as kube-proxy's iptables proxier has them:
 * {@code route_localnet} for localhost node ports, the two nfacct counters (made at start, counted into only if
 * they exist, exposed as metrics), and the {@code nf_conntrack_tcp_be_liberal} fact.
 */
final class NodeKernel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKernel.class);
    static final String ROUTE_LOCALNET = "net.ipv4.conf.all.route_localnet";
    static final String TCP_BE_LIBERAL = "net.netfilter.nf_conntrack_tcp_be_liberal";
    private final Optional<Path> netns;
    private NfacctClient nfacct;
    private boolean nfacctTried;

    NodeKernel(Optional<Path> netns) {
        this.netns = netns;
    }

    /** A client for the counters, or null where nfnetlink_acct cannot be used (kube-proxy then writes no counters). */
    private synchronized NfacctClient nfacct() {
        if (!nfacctTried) {
            nfacctTried = true;
            try {
                nfacct = netns.map(NfacctClient::open).orElseGet(NfacctClient::open);
            } catch (SvcProxyException | LinkageError e) {
                LOG.info("no nfacct counters: {}", e.getMessage());
            }
        }
        return nfacct;
    }

    /** What the kernel says now, read without changing anything. */
    KubeProxyRules.KernelFacts facts() {
        return new KubeProxyRules.KernelFacts(tcpBeLiberal(), exists(KubeProxyRules.COUNTER_INVALID),
                exists(KubeProxyRules.COUNTER_LOCALHOST));
    }

    private boolean tcpBeLiberal() {
        return Sysctls.in(netns).get(TCP_BE_LIBERAL).map("1"::equals).orElse(false);
    }

    /**
     * The facts as the proxy's start leaves them, for a render that touches nothing: the counters exist wherever
     * nfacct can be used, since {@link #prepare} makes them, and {@code tcp_be_liberal} is 1 if it is already or if
     * the configuration's conntrack settings set it ({@code configTcpBeLiberal}).
     */
    KubeProxyRules.KernelFacts factsOncePrepared(boolean configTcpBeLiberal) {
        boolean counters = nfacct() != null;
        return new KubeProxyRules.KernelFacts(configTcpBeLiberal || tcpBeLiberal(), counters, counters);
    }

    private synchronized boolean exists(String counter) {
        try {
            return nfacct() != null && nfacct().get(counter).isPresent();
        } catch (SvcProxyException e) {
            return false;
        }
    }

    /** Makes the counters and, for localhost node ports, sets {@code route_localnet=1}; refusals become warnings. */
    synchronized List<String> prepare(boolean localhostNodePorts) {
        List<String> warnings = new ArrayList<>();
        if (nfacct() != null) {
            for (String c : List.of(KubeProxyRules.COUNTER_INVALID, KubeProxyRules.COUNTER_LOCALHOST)) {
                try {
                    nfacct().ensure(c);
                } catch (SvcProxyException e) {
                    LOG.info("nfacct counter {} not made: {}", c, e.getMessage());
                }
            }
        }
        if (localhostNodePorts) {
            Sysctls.in(netns).trySet(ROUTE_LOCALNET, 1)
                    .ifPresent(w -> warnings.add(w + " (localhost node ports will not work)"));
        }
        return warnings;
    }

    /** kube-proxy's two nfacct metrics, where the counters exist. */
    List<BackendMetric> metrics() {
        List<BackendMetric> out = new ArrayList<>();
        if (exists(KubeProxyRules.COUNTER_INVALID)) {
            out.add(new BackendMetric("kubeproxy_iptables_ct_state_invalid_dropped_packets_total",
                    "packets dropped by the iptables proxier because conntrack considered them invalid",
                    () -> packets(KubeProxyRules.COUNTER_INVALID)));
        }
        if (exists(KubeProxyRules.COUNTER_LOCALHOST)) {
            out.add(new BackendMetric("kubeproxy_iptables_localhost_nodeports_accepted_packets_total",
                    "packets accepted on nodeports of the loopback interface", () -> packets(KubeProxyRules.COUNTER_LOCALHOST)));
        }
        return out;
    }

    private synchronized double packets(String counter) {
        try {
            return nfacct() == null ? Double.NaN : nfacct().get(counter).map(c -> (double) c.packets()).orElse(Double.NaN);
        } catch (SvcProxyException e) {
            return Double.NaN;
        }
    }

    /** Deletes the counters; one still used by the other family's rules stays (its clean-up deletes it). */
    synchronized void deleteCounters() {
        if (nfacct() == null) {
            return;
        }
        for (String c : List.of(KubeProxyRules.COUNTER_INVALID, KubeProxyRules.COUNTER_LOCALHOST)) {
            try {
                nfacct().delete(c);
            } catch (SvcProxyException e) {
                LOG.debug("nfacct counter {} left in place: {}", c, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (nfacct != null) {
            nfacct.close();
        }
    }
}
