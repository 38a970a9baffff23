// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-proxy's flags and its configuration file, combined as {@code cmd/kube-proxy/app/options.go} combines them. */
class ProxyFlagsTest {

    private static Map<String, String> flags(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void withoutAFileTheFlagsSetTheirFieldsIncludingTheClientConnection() {
        ProxyConfig c = ProxyFlags.apply(Optional.empty(), flags("kubeconfig", "/var/lib/kube-proxy/kubeconfig.conf",
                "kube-api-qps", "20.5", "kube-api-burst", "40", "kube-api-content-type", "application/json",
                "oom-score-adj", "-500", "bind-address-hard-fail", "true", "feature-gates", "AllBeta=false, ServiceTrafficDistribution=true",
                "v", "4", "cluster-cidr", "10.244.0.0/16", "proxy-mode", "nftables"));
        assertEquals(Optional.of("/var/lib/kube-proxy/kubeconfig.conf"), c.clientConnection().kubeconfig());
        assertEquals(20.5, c.clientConnection().qps());
        assertEquals(40, c.clientConnection().burst());
        assertEquals("application/json", c.clientConnection().contentType());
        assertEquals(-500, c.oomScoreAdj());
        assertTrue(c.bindAddressHardFail());
        assertEquals(Map.of("AllBeta", false, "ServiceTrafficDistribution", true), c.featureGates());
        assertEquals(4, c.logging().verbosity());
        assertEquals(List.of(Cidr.parse("10.244.0.0/16")), c.clusterCidrs());
        assertEquals("nftables", c.mode());
        assertEquals(List.of(), ProxyFlags.ignoredWithConfigFile(flags("hostname-override", "n", "v", "2", "master", "x")));
    }

    @Test
    void withAFileOnlyHostnameOverrideAndVerbosityApplyAndTheOthersAreNamedAsIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.conf");
        Files.writeString(file, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n"
                + "hostnameOverride: from-file\nclientConnection: {kubeconfig: /var/lib/kube-proxy/kubeconfig.conf, qps: 7}\n"
                + "iptables: {masqueradeBit: 12, syncPeriod: 10s}\nlogging: {verbosity: 2}\n");
        Map<String, String> f = flags("hostname-override", "  Node-A ", "v", "5", "proxy-mode", "nftables",
                "iptables-masquerade-bit", "15", "kubeconfig", "/elsewhere", "iptables-sync-period", "1s");
        ProxyConfig c = ProxyFlags.apply(Optional.of(file), f);
        assertEquals("node-a", c.nodeName(), "trimmed and lower-cased, over the file's");
        assertEquals(5, c.logging().verbosity(), "-v over the file's logging.verbosity");
        assertEquals("iptables", c.mode());
        assertEquals(12, c.iptables().masqueradeBit());
        assertEquals(Duration.ofSeconds(10), c.syncPeriod());
        assertEquals(Optional.of("/var/lib/kube-proxy/kubeconfig.conf"), c.clientConnection().kubeconfig());
        assertEquals(7.0, c.clientConnection().qps());
        assertEquals(List.of("--proxy-mode", "--iptables-masquerade-bit", "--kubeconfig", "--iptables-sync-period"),
                ProxyFlags.ignoredWithConfigFile(f));
        // an ignored flag is not even checked, as in kube-proxy; a blank --hostname-override is an error, an empty one none
        assertEquals("from-file", ProxyFlags.apply(Optional.of(file), flags("iptables-masquerade-bit", "99", "hostname-override", "")).nodeName());
        InvalidInputException blank = assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.of(file), flags("hostname-override", "   ")));
        assertEquals("--hostname-override: a blank name is invalid", blank.getMessage());
    }

    @Test
    void badValuesAreNamedByTheirFlag() {
        assertEquals("--oom-score-adj: expected an integer -1000-1000, found '2000'", assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.empty(), flags("oom-score-adj", "2000"))).getMessage());
        assertEquals("--kube-api-burst: expected an integer 0-2147483647, found '-1'", assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.empty(), flags("kube-api-burst", "-1"))).getMessage());
        assertEquals("--kube-api-qps: expected a number, found 'fast'",
                assertThrows(InvalidInputException.class, () -> ProxyFlags.apply(Optional.empty(), flags("kube-api-qps", "fast"))).getMessage());
        assertEquals("--feature-gates: expected Name=true|false pairs separated by commas, found 'Foo=yes'",
                assertThrows(InvalidInputException.class, () -> ProxyFlags.apply(Optional.empty(), flags("feature-gates", "A=true,Foo=yes")))
                        .getMessage());
        assertEquals("--v: expected an integer 0-2147483647, found '-3'", assertThrows(InvalidInputException.class,
                () -> ProxyFlags.apply(Optional.empty(), flags("v", "-3"))).getMessage());
    }

    @Test
    void unknownFeatureGatesAreAcceptedAndReported() {
        assertEquals(List.of("feature gate MadeUpGate is not one kube-proxy consults: ignored"),
                FeatureGates.unknown(Map.of("MadeUpGate", true, "ServiceTrafficDistribution", true)));
    }

    @Test
    void writeConfigToGivesAFileThatLoadsBackTheSameConfiguration() {
        ProxyConfig defaults = ProxyConfig.defaults();
        assertEquals(defaults, ProxyConfigLoader.parse(ProxyConfigWriter.yaml(defaults)));
        ProxyConfig c = ProxyFlags.apply(Optional.empty(), flags("proxy-mode", "nftables", "kubeconfig", "/k.conf", "kube-api-qps", "-1",
                "feature-gates", "A=true", "v", "3", "cluster-cidr", "10.0.0.0/8,fd00::/64", "ipvs-exclude-cidrs", "10.1.0.0/16",
                "iptables-min-sync-period", "500ms", "conntrack-tcp-timeout-established", "90m", "hostname-override", "Node \"a\"",
                "healthz-bind-address", "", "pod-bridge-interface", "cbr0", "detect-local-mode", "BridgeInterface"));
        String yaml = ProxyConfigWriter.yaml(c);
        assertEquals(c, ProxyConfigLoader.parse(yaml), yaml);
        assertTrue(yaml.contains("  tcpEstablishedTimeout: 1h30m0s\n") && yaml.contains("  minSyncPeriod: 500ms\n"), yaml);
    }
}
