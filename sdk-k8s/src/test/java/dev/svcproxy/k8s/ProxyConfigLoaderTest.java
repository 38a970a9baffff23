// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyConfigLoaderTest {

    @Test
    void anEmptyFileGivesKubeProxysDefaults() {
        ProxyConfig c = ProxyConfigLoader.parse("");
        assertEquals(ProxyConfig.defaults(), c);
        assertEquals("iptables", c.mode());
        assertEquals(0x4000, c.masqueradeMark());
        assertEquals("0.0.0.0:10256", c.healthzBindAddress());
        assertEquals("127.0.0.1:10249", c.metricsBindAddress());
        assertEquals(Duration.ofSeconds(30), c.iptables().syncPeriod());
        assertEquals(Duration.ofSeconds(1), c.iptables().minSyncPeriod());
    }

    @Test
    void nftablesModeReadsItsOwnSectionAndListensForNodePortsOnThePrimaryAddress() {
        ProxyConfig c = ProxyConfigLoader.parse(String.join("\n",
                "apiVersion: kubeproxy.config.k8s.io/v1alpha1",
                "kind: KubeProxyConfiguration",
                "mode: nftables",
                "iptables: {masqueradeBit: 15, syncPeriod: 1m0s}",
                "nftables: {masqueradeAll: true, masqueradeBit: 13, syncPeriod: 20s, minSyncPeriod: 2s}"));
        assertEquals(0x2000, c.masqueradeMark(), "nftables.masqueradeBit, not iptables'");
        assertTrue(c.masqueradeAll());
        assertEquals(Duration.ofSeconds(20), c.syncPeriod());
        assertEquals(Duration.ofSeconds(2), c.minSyncPeriod());
        assertEquals(List.of("primary"), c.nodePortAddresses(), "kube-proxy's nftables default");
        assertEquals(List.of(), ProxyConfigLoader.parse("mode: iptables\nnftables: {masqueradeBit: 13}").nodePortAddresses());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ProxyConfigLoader.parse("mode: nftables\nnftables: {syncPeriod: 1s, minSyncPeriod: 2s}"));
        assertTrue(e.getMessage().contains("nftables.minSyncPeriod"), e.getMessage());
    }

    @Test
    void readsTheFieldsItHonours() {
        ProxyConfig c = ProxyConfigLoader.parse(String.join("\n",
                "apiVersion: kubeproxy.config.k8s.io/v1alpha1",
                "kind: KubeProxyConfiguration",
                "mode: ipvs",
                "clusterCIDR: 10.244.0.0/16,fd00:244::/56",
                "hostnameOverride: node-a",
                "nodePortAddresses: [primary]",
                "detectLocalMode: InterfaceNamePrefix",
                "detectLocal: {interfaceNamePrefix: veth}",
                "iptables: {masqueradeAll: true, masqueradeBit: 15, localhostNodePorts: false, syncPeriod: 1m0s, minSyncPeriod: 500ms}",
                "ipvs: {scheduler: mh, excludeCIDRs: [192.168.0.0/24], strictARP: true, tcpTimeout: 15m}",
                "conntrack: {maxPerCore: 0, tcpBeLiberal: true, udpTimeout: 30s}",
                "featureGates: {TopologyAwareHints: true}",
                "clientConnection: {kubeconfig: /var/lib/kube-proxy/kubeconfig.conf}",
                "oomScoreAdj: -999"));
        assertEquals("ipvs", c.mode());
        assertEquals(List.of(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:244::/56")), c.clusterCidrs());
        assertEquals(Optional.of("node-a"), c.hostnameOverride());
        assertEquals(List.of("primary"), c.nodePortAddresses());
        assertEquals(DetectLocalMode.INTERFACE_NAME_PREFIX, c.detectLocalMode());
        assertEquals(Optional.of("veth"), c.interfaceNamePrefix());
        assertEquals(new ProxyConfig.Iptables(true, 15, false, Duration.ofMinutes(1), Duration.ofMillis(500)), c.iptables());
        assertEquals(0x8000, c.masqueradeMark());
        assertEquals("mh", c.ipvs().scheduler());
        assertEquals(Duration.ofMinutes(15), c.ipvs().tcpTimeout());
        assertTrue(c.ipvs().strictArp());
        assertTrue(c.conntrack().tcpBeLiberal());
        assertEquals(0, c.conntrack().maxPerCore());
        assertEquals(Duration.ofSeconds(30), c.conntrack().udpTimeout());
        assertEquals(Boolean.TRUE, c.featureGates().get("TopologyAwareHints"));
    }

    private static String error(String yaml) {
        return assertThrows(InvalidInputException.class, () -> ProxyConfigLoader.parse(yaml)).getMessage();
    }

    @Test
    void badFieldsAreNamed() {
        assertEquals("KubeProxyConfiguration.iptables.masqueradeBitt: unknown field (not in KubeProxyConfiguration v1alpha1)",
                error("iptables: {masqueradeBitt: 15}"));
        assertEquals("KubeProxyConfiguration.iptables.masqueradeBit: expected an integer 0-31, found '32'",
                error("iptables: {masqueradeBit: 32}"));
        assertEquals("KubeProxyConfiguration.iptables.syncPeriod: expected a duration such as 30s, 1m0s or 1h, found 'soon'",
                error("iptables: {syncPeriod: soon}"));
        assertTrue(error("apiVersion: kubeproxy.config.k8s.io/v1alpha2").startsWith("KubeProxyConfiguration.apiVersion: unsupported"));
        assertTrue(error("mode: User Space").contains("invalid mode 'User Space'"));
        assertTrue(error("clusterCIDR: 10.244.0.0/33").startsWith("KubeProxyConfiguration.clusterCIDR: invalid CIDR"));
        assertTrue(error("detectLocalMode: BridgeInterface").contains("needs detectLocal.bridgeInterface"));
        assertTrue(error("conntrack: {tcpBeLiberal: yes please}").startsWith("KubeProxyConfiguration.conntrack.tcpBeLiberal"));
        assertTrue(error("nodePortAddresses: [10.0.0.0/8, bogus]").startsWith("KubeProxyConfiguration.nodePortAddresses"));
        assertTrue(error("iptables: [1, 2]").startsWith("KubeProxyConfiguration.iptables: expected an object"));
        assertTrue(error("mode: [").startsWith("KubeProxyConfiguration: not valid YAML"));
    }

    @Test
    void whatKubeProxysValidationRefusesIsRefusedAtLoadNamingTheFieldOrFlag() {
        assertEquals("KubeProxyConfiguration.iptables.syncPeriod: must be greater than 0 (0 would sync in a loop)",
                error("iptables: {syncPeriod: 0s}"));
        assertEquals("KubeProxyConfiguration.iptables.minSyncPeriod: must be less than or equal to syncPeriod (30s)",
                error("iptables: {minSyncPeriod: 1m}"));
        assertEquals("KubeProxyConfiguration.ipvs.syncPeriod: must be greater than 0 (0 would sync in a loop)",
                error("mode: ipvs\nipvs: {syncPeriod: 0s}"));
        ProxyConfigLoader.parse("ipvs: {syncPeriod: 0s}"); // kube-proxy checks the ipvs section in IPVS mode only
        assertEquals("KubeProxyConfiguration.configSyncPeriod: must be greater than 0", error("configSyncPeriod: 0s"));
        assertEquals("KubeProxyConfiguration.bindAddress: not a valid IP address: 'localhost'", error("bindAddress: localhost"));
        assertEquals("KubeProxyConfiguration.metricsBindAddress: must be IP:port with a port 1-65535, or empty to disable;"
                + " found '1.2.3.4:99999'", error("metricsBindAddress: 1.2.3.4:99999"));
        assertTrue(error("healthzBindAddress: 0.0.0.0").startsWith("KubeProxyConfiguration.healthzBindAddress: must be IP:port"));
        assertEquals("", ProxyConfigLoader.parse("healthzBindAddress: ''\nmetricsBindAddress: ''").metricsBindAddress(),
                "empty disables a server");
        assertEquals("KubeProxyConfiguration.detectLocal.bridgeInterface: not a valid interface name: 'br0 -j ACCEPT'"
                + " (1-15 characters, no '/', ':' or white space)",
                error("detectLocalMode: BridgeInterface\ndetectLocal: {bridgeInterface: 'br0 -j ACCEPT'}"));
        assertTrue(error("detectLocal: {interfaceNamePrefix: averyveryverylongprefix}")
                .startsWith("KubeProxyConfiguration.detectLocal.interfaceNamePrefix: not a valid interface name"));

        assertEquals("KubeProxyConfiguration.iptables.masqueradeBit: expected an integer 0-31, found the string '14' (a quoted"
                + " value; write it without quotes)", error("iptables: {masqueradeBit: \"14\"}"));

        InvalidInputException flag = assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.empty(), Map.of("iptables-sync-period", "0s")));
        assertEquals("--iptables-sync-period: must be greater than 0 (0 would sync in a loop)", flag.getMessage());
        flag = assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.empty(), Map.of("pod-bridge-interface", "br0 -j ACCEPT")));
        assertTrue(flag.getMessage().startsWith("--pod-bridge-interface: not a valid interface name"), flag.getMessage());
    }
}
