// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.k8s.internal.GoDuration;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link ProxyConfig} as a {@code KubeProxyConfiguration} v1alpha1 file (kube-proxy's {@code --write-config-to}),
 * every field svcproxy reads written out, so that {@link ProxyConfigLoader#parse} gives the same configuration back.
 */
public final class ProxyConfigWriter {

    private ProxyConfigWriter() {
    }

    /**
     * The configuration as a {@code KubeProxyConfiguration} YAML document that {@link ProxyConfigLoader} reads back
     * to an equal configuration.
     *
     * @param c the configurationonfiguration
     * @return the YAML text
     */
    public static String yaml(ProxyConfig c) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: ").append(ProxyConfigLoader.API_VERSION).append('\n');
        b.append("kind: ").append(ProxyConfigLoader.ROOT).append('\n');
        line(b, "", "bindAddress", quote(c.bindAddress()));
        line(b, "", "bindAddressHardFail", c.bindAddressHardFail());
        b.append("clientConnection:\n");
        ProxyConfig.ClientConnection cc = c.clientConnection();
        line(b, "  ", "acceptContentTypes", quote(cc.acceptContentTypes()));
        line(b, "  ", "burst", cc.burst());
        line(b, "  ", "contentType", quote(cc.contentType()));
        line(b, "  ", "kubeconfig", quote(cc.kubeconfig().orElse("")));
        line(b, "  ", "qps", cc.qps());
        line(b, "", "clusterCIDR", quote(c.clusterCidrs().stream().map(Cidr::toString).collect(Collectors.joining(","))));
        line(b, "", "configSyncPeriod", duration(c.configSyncPeriod()));
        b.append("conntrack:\n");
        ProxyConfig.Conntrack ct = c.conntrack();
        line(b, "  ", "maxPerCore", ct.maxPerCore());
        line(b, "  ", "min", ct.min());
        line(b, "  ", "tcpBeLiberal", ct.tcpBeLiberal());
        line(b, "  ", "tcpCloseWaitTimeout", duration(ct.tcpCloseWaitTimeout()));
        line(b, "  ", "tcpEstablishedTimeout", duration(ct.tcpEstablishedTimeout()));
        line(b, "  ", "udpStreamTimeout", duration(ct.udpStreamTimeout()));
        line(b, "  ", "udpTimeout", duration(ct.udpTimeout()));
        b.append("detectLocal:\n");
        line(b, "  ", "bridgeInterface", quote(c.bridgeInterface().orElse("")));
        line(b, "  ", "interfaceNamePrefix", quote(c.interfaceNamePrefix().orElse("")));
        line(b, "", "detectLocalMode", quote(c.detectLocalMode().configName()));
        b.append("featureGates:").append(c.featureGates().isEmpty() ? " {}\n" : "\n");
        new java.util.TreeMap<>(c.featureGates()).forEach((k, v) -> line(b, "  ", k, v));
        line(b, "", "healthzBindAddress", quote(c.healthzBindAddress()));
        line(b, "", "hostnameOverride", quote(c.hostnameOverride().orElse("")));
        b.append("iptables:\n");
        ProxyConfig.Iptables ipt = c.iptables();
        line(b, "  ", "localhostNodePorts", ipt.localhostNodePorts());
        line(b, "  ", "masqueradeAll", ipt.masqueradeAll());
        line(b, "  ", "masqueradeBit", ipt.masqueradeBit());
        line(b, "  ", "minSyncPeriod", duration(ipt.minSyncPeriod()));
        line(b, "  ", "syncPeriod", duration(ipt.syncPeriod()));
        b.append("ipvs:\n");
        ProxyConfig.Ipvs ipvs = c.ipvs();
        line(b, "  ", "excludeCIDRs", list(ipvs.excludeCidrs().stream().map(Cidr::toString).toList()));
        line(b, "  ", "minSyncPeriod", duration(ipvs.minSyncPeriod()));
        line(b, "  ", "scheduler", quote(ipvs.scheduler()));
        line(b, "  ", "strictARP", ipvs.strictArp());
        line(b, "  ", "syncPeriod", duration(ipvs.syncPeriod()));
        line(b, "  ", "tcpFinTimeout", duration(ipvs.tcpFinTimeout()));
        line(b, "  ", "tcpTimeout", duration(ipvs.tcpTimeout()));
        line(b, "  ", "udpTimeout", duration(ipvs.udpTimeout()));
        b.append("logging:\n");
        line(b, "  ", "format", quote(c.logging().format()));
        line(b, "  ", "verbosity", c.logging().verbosity());
        line(b, "", "metricsBindAddress", quote(c.metricsBindAddress()));
        line(b, "", "mode", quote(c.mode()));
        b.append("nftables:\n");
        ProxyConfig.Nftables nft = c.nftables();
        line(b, "  ", "masqueradeAll", nft.masqueradeAll());
        line(b, "  ", "masqueradeBit", nft.masqueradeBit());
        line(b, "  ", "minSyncPeriod", duration(nft.minSyncPeriod()));
        line(b, "  ", "syncPeriod", duration(nft.syncPeriod()));
        line(b, "", "nodePortAddresses", list(c.nodePortAddresses()));
        line(b, "", "oomScoreAdj", c.oomScoreAdj());
        return b.toString();
    }

    /**
     * kube-proxy's {@code /configz} body: {@code {"kubeproxy.config.k8s.io": {...}}}, the configuration's fields as
     * {@link #yaml} writes them, in JSON.
     *
     * @param c the configuration
     * @return kube-proxy's {@code /configz} body
     */
    public static String configz(ProxyConfig c) {
        Object fields = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(yaml(c));
        return tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(java.util.Map.of("kubeproxy.config.k8s.io", fields));
    }

    private static void line(StringBuilder b, String indent, String key, Object value) {
        b.append(indent).append(key).append(": ").append(value).append('\n');
    }

    private static String duration(Duration d) {
        return GoDuration.format(d);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String list(List<String> items) {
        return items.stream().map(ProxyConfigWriter::quote).collect(Collectors.joining(", ", "[", "]"));
    }
}
