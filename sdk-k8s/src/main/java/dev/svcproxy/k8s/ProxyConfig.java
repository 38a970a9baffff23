// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of kube-proxy's {@code KubeProxyConfiguration} (v1alpha1) that svcproxy honours, with kube-proxy's
 * defaults. {@link #defaults()} is what an empty file gives.
 */
public record ProxyConfig(String mode, List<Cidr> clusterCidrs, Optional<String> hostnameOverride, String bindAddress,
                          String healthzBindAddress, String metricsBindAddress, List<String> nodePortAddresses,
                          DetectLocalMode detectLocalMode, Optional<String> bridgeInterface,
                          Optional<String> interfaceNamePrefix, Iptables iptables, Ipvs ipvs, Nftables nftables,
                          Conntrack conntrack, Duration configSyncPeriod, Map<String, Boolean> featureGates,
                          ClientConnection clientConnection, int oomScoreAdj, boolean bindAddressHardFail, Logging logging) {

    /**
     * {@code clientConnection.*}: how the API server is reached. An empty kubeconfig with no {@code --master} means the
     * in-cluster credentials. {@code qps} and {@code burst} bound the request rate as client-go's token bucket does
     * (0 takes client-go's defaults 5 and 10, a negative qps disables the limit).
     */
    public record ClientConnection(Optional<String> kubeconfig, double qps, int burst, String contentType,
                                   String acceptContentTypes) {
        /**
         * kube-proxy's defaults: no kubeconfig, qps 5, burst 10, protobuf content type.
         *
         * @return kube-proxy's defaults
         */
        public static ClientConnection defaults() {
            return new ClientConnection(Optional.empty(), 5, 10, "application/vnd.kubernetes.protobuf", "");
        }

        /**
         * Where this connects, for messages: the master, the kubeconfig's server, or the in-cluster API server.
         *
         * @param master the {@code --master} address, if given
         * @return where this connects, for messages
         */
        public String describe(Optional<String> master) {
            return master.map(m -> m + kubeconfig.map(k -> " (credentials from " + k + ")").orElse(""))
                    .or(() -> kubeconfig.map(k -> "the API server in " + k)).orElse("the in-cluster API server");
        }
    }

    /** {@code logging.*} as svcproxy reads it: the format ({@code text}) and the verbosity ({@code -v}). */
    public record Logging(String format, int verbosity) {
    }

    /** {@code iptables.*}. */
    public record Iptables(boolean masqueradeAll, int masqueradeBit, boolean localhostNodePorts, Duration syncPeriod,
                           Duration minSyncPeriod) {
    }

    /** {@code ipvs.*}; timeouts of zero leave the kernel's. */
    public record Ipvs(String scheduler, Duration syncPeriod, Duration minSyncPeriod, List<Cidr> excludeCidrs,
                       boolean strictArp, Duration tcpTimeout, Duration tcpFinTimeout, Duration udpTimeout) {
    }

    /** {@code nftables.*} (kube-proxy's nftables mode reads these instead of {@code iptables.*}). */
    public record Nftables(boolean masqueradeAll, int masqueradeBit, Duration syncPeriod, Duration minSyncPeriod) {
    }

    /** {@code conntrack.*}; zero durations and a zero maxPerCore leave the kernel's settings. */
    public record Conntrack(int maxPerCore, int min, Duration tcpEstablishedTimeout, Duration tcpCloseWaitTimeout,
                            boolean tcpBeLiberal, Duration udpTimeout, Duration udpStreamTimeout) {
    }

    /**
     * kube-proxy's defaults (mode iptables, oomScoreAdj -999, masqueradeBit 14, healthz 0.0.0.0:10256, metrics 127.0.0.1:10249, ...).
     *
     * @return kube-proxy's defaults (mode iptables, oomScoreAdj -999, masqueradeBit 14, healthz 0.0.0.0:10256, metrics 127.0.0.1:10249, ...)
     */
    public static ProxyConfig defaults() {
        return new ProxyConfig("iptables", List.of(), Optional.empty(), "0.0.0.0", "0.0.0.0:10256", "127.0.0.1:10249",
                List.of(), DetectLocalMode.CLUSTER_CIDR, Optional.empty(), Optional.empty(),
                new Iptables(false, 14, true, Duration.ofSeconds(30), Duration.ofSeconds(1)),
                new Ipvs("rr", Duration.ofSeconds(30), Duration.ZERO, List.of(), false, Duration.ZERO, Duration.ZERO,
                        Duration.ZERO),
                new Nftables(false, 14, Duration.ofSeconds(30), Duration.ofSeconds(1)),
                new Conntrack(32768, 131072, Duration.ofHours(24), Duration.ofHours(1), false, Duration.ZERO, Duration.ZERO),
                Duration.ofMinutes(15), Map.of(), ClientConnection.defaults(), -999, false, new Logging("text", 0));
    }

    /**
     * The node this proxy serves: {@code hostnameOverride}, else this host's name, lower-cased as kube-proxy does.
     *
     * @return the node this proxy serves
     */
    public String nodeName() {
        return hostnameOverride().orElseGet(ProxyConfig::hostname).strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }

    /**
     * The sync period of the configured mode: {@code ipvs.syncPeriod}, {@code nftables.syncPeriod}, else {@code iptables.syncPeriod}.
     *
     * @return the sync period of the configured mode
     */
    public Duration syncPeriod() {
        return switch (mode) {
            case "ipvs" -> ipvs.syncPeriod();
            case "nftables" -> nftables.syncPeriod();
            default -> iptables.syncPeriod();
        };
    }

    /**
     * The least time between syncs of the configured mode (from the same section as {@link #syncPeriod()}).
     *
     * @return the least time between syncs of the configured mode (from the same section as {@link #syncPeriod()})
     */
    public Duration minSyncPeriod() {
        return switch (mode) {
            case "ipvs" -> ipvs.minSyncPeriod();
            case "nftables" -> nftables.minSyncPeriod();
            default -> iptables.minSyncPeriod();
        };
    }

    /**
     * The masquerade bit of the configured mode: {@code nftables.masqueradeBit} in nftables mode, else {@code iptables.masqueradeBit}.
     *
     * @return the masquerade bit of the configured mode
     */
    public int masqueradeBit() {
        return mode.equals("nftables") ? nftables.masqueradeBit() : iptables.masqueradeBit();
    }

    /**
     * Whether all service traffic is masqueraded: {@code nftables.masqueradeAll} in nftables mode (or
     * {@code --masquerade-all}, which sets {@code iptables.masqueradeAll}), else {@code iptables.masqueradeAll}.
     *
     * @return whether all service traffic is masqueraded
     */
    public boolean masqueradeAll() {
        return iptables.masqueradeAll() || mode.equals("nftables") && nftables.masqueradeAll();
    }

    /**
     * The mark kube-proxy sets on packets to masquerade: {@code 1 << masqueradeBit} (0x4000 by default).
     *
     * @return the mark kube-proxy sets on packets to masquerade
     */
    public long masqueradeMark() {
        return 1L << masqueradeBit();
    }
}
