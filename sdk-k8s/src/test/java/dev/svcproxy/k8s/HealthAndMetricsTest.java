// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpFamily;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HealthAndMetricsTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void unhealthyWhenAQueuedSyncIsNotAppliedWithinTwoSyncPeriods() {
        ManualClock clock = new ManualClock();
        ProxyHealth h = new ProxyHealth(Duration.ofSeconds(30), clock);
        assertTrue(h.healthy(), "nothing queued yet");
        h.queued(IpFamily.IPV4);
        h.updated(IpFamily.IPV4);
        h.queued(IpFamily.IPV4);
        clock.now = clock.now.plusSeconds(60);
        assertTrue(h.healthy(), "exactly 2 x syncPeriod is still healthy");
        clock.now = clock.now.plusSeconds(1);
        assertFalse(h.healthy());
        assertTrue(h.body().contains("\"healthy\": false") && h.body().contains("\"IPv4\": {\"lastUpdated\": \"2026-11-25T12:00:00Z\""),
                h.body());
        h.updated(IpFamily.IPV4);
        assertTrue(h.healthy());
        assertTrue(h.body().contains("\"nodeEligible\": true"), h.body());
    }

    @Test
    void scrapeUsesKubeProxysNamesLabelsAndBucketsInBothTextFormats() {
        Metrics m = new Metrics();
        m.observe("kubeproxy_sync_proxy_rules_duration_seconds", 0.003, "ip_family", "IPv4");
        m.inc("kubeproxy_proxy_healthz_total", "code", "200");
        m.inc("kubeproxy_proxy_healthz_total", "code", "200");
        m.set("kubeproxy_sync_proxy_rules_last_timestamp_seconds", 1.5, "ip_family", "IPv6");
        m.set("kubeproxy_sync_proxy_rules_iptables_total", 12, "table", "nat", "ip_family", "IPv4"); // any label order
        m.observe("kubeproxy_network_programming_duration_seconds", 1.7, "ip_family", "IPv4");
        String text = m.scrape();
        assertTrue(text.contains("# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds\n"
                + "# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n"), text);
        assertEquals(0, sample(text, "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.002\"}"), text);
        assertEquals(1, sample(text, "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.004\"}"), text);
        assertEquals(1, sample(text, "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"+Inf\"}"), text);
        assertEquals(1, sample(text, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"), text);
        assertEquals(2, sample(text, "kubeproxy_proxy_healthz_total{code=\"200\"}"), text);
        assertEquals(1.5, sample(text, "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv6\"}"), text);
        assertEquals(12, sample(text, "kubeproxy_sync_proxy_rules_iptables_total{ip_family=\"IPv4\",table=\"nat\"}"), text);
        assertEquals(0, sample(text, "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"1.0\"}"), text);
        assertEquals(1, sample(text, "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"2.0\"}"), text);
        assertEquals(15, Metrics.SYNC_BUCKETS.length);
        assertEquals(16.384, Metrics.SYNC_BUCKETS[14], 1e-9);
        // kube-proxy's programming buckets: 0, 0.25, 0.5, 1..59, 60..115 by 5, 120..300 by 30
        assertEquals(3 + 59 + 12 + 7, Metrics.PROGRAMMING_BUCKETS.length);
        assertEquals(List.of(0.0, 0.25, 0.5, 1.0, 2.0), java.util.Arrays.stream(Metrics.PROGRAMMING_BUCKETS).limit(5).boxed().toList());
        assertEquals(300.0, Metrics.PROGRAMMING_BUCKETS[Metrics.PROGRAMMING_BUCKETS.length - 1]);
        // OpenMetrics when the scraper asks for it (Prometheus sends this Accept header first)
        Metrics.Scrape om = m.scrape("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1");
        assertTrue(om.contentType().startsWith("application/openmetrics-text; version=1.0.0"), om.contentType());
        assertTrue(om.body().endsWith("# EOF\n") && om.body().contains("kubeproxy_proxy_healthz_total{code=\"200\"} 2"), om.body());
        assertTrue(m.scrape("text/plain").contentType().startsWith("text/plain; version=0.0.4"), m.scrape("text/plain").contentType());
        assertEquals(2, m.value("kubeproxy_proxy_healthz_total", "code", "200"));
        IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.inc("kubeproxy_proxy_healthz_total", "status", "200"));
        assertTrue(wrong.getMessage().startsWith("kubeproxy_proxy_healthz_total has labels [code]"), wrong.getMessage());
    }

    private static double sample(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0])).orElse(-1.0);
    }

    @Test
    void labelValuesAreEscapedAndBuildJvmAndProcessFiguresAreThere() throws java.io.IOException {
        Metrics m = new Metrics();
        m.buildInfo("0.1.0-SNAPSHOT");
        m.externalGauge("some_gauge", "a figure with an awkward label", () -> 1, "object", "a \"quoted\"\\ name\nnext");
        m.externalGauge("unreadable_gauge", "a figure that cannot be read", () -> Double.NaN);
        m.external("kubeproxy_iptables_ct_state_invalid_dropped_packets_total", "nfacct", () -> 7);
        m.external("kubeproxy_iptables_ct_state_invalid_dropped_packets_total", "nfacct", () -> 7); // the other family's backend
        String scrape = m.scrape();
        assertTrue(scrape.contains("some_gauge{object=\"a \\\"quoted\\\"\\\\ name\\nnext\"} 1.0\n"), scrape);
        assertTrue(scrape.lines().noneMatch(l -> l.startsWith("unreadable_gauge")), "a NaN is left out: " + scrape);
        assertEquals(1, scrape.lines().filter(l -> l.startsWith("kubeproxy_iptables_ct_state_invalid_dropped_packets_total ")).count(), scrape);
        assertTrue(scrape.contains("kubernetes_build_info{buildDate=\"\",compiler=\"javac\",gitCommit=\"\",gitTreeState=\"\","
                + "gitVersion=\"v0.1.0-SNAPSHOT\",goVersion=\"java" + Runtime.version() + "\",major=\"0\",minor=\"1\",platform=\"linux/"), scrape);
        long rss = Long.parseLong(java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/status"), java.nio.charset.StandardCharsets.UTF_8)
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow().replaceAll("[^0-9]", "")) * 1024;
        double scraped = sample(scrape, "process_resident_memory_bytes");
        assertTrue(scraped > rss / 2.0 && scraped < rss * 2.0, scrape);
        assertTrue(sample(scrape, "jvm_memory_used_bytes{area=\"heap\"}") > 0, scrape);
        assertTrue(sample(scrape, "process_open_fds") > 2, scrape);
        assertTrue(sample(scrape, "process_cpu_seconds_total") > 0, scrape);
        assertTrue(scrape.contains("# TYPE process_resident_memory_bytes gauge") && scrape.contains("# TYPE process_cpu_seconds_total counter"), scrape);
    }

    @Test
    void aNodeBeingDeletedOrAboutToBeIsNotEligibleAndHealthzSaysSoButLivezDoesNot() {
        String node = "apiVersion: v1\nkind: Node\nmetadata: {name: node-a%s}\nspec: {%s}\n";
        assertTrue(ServiceTables.build(ClusterSnapshot.parse(String.format(node, "", ""), "m"), "node-a").nodeEligible());
        assertFalse(ServiceTables.build(ClusterSnapshot.parse(String.format(node, "", "taints: [{key: ToBeDeletedByClusterAutoscaler,"
                + " effect: NoSchedule}]"), "m"), "node-a").nodeEligible());
        assertFalse(ServiceTables.build(ClusterSnapshot.parse(String.format(node, ", deletionTimestamp: '2026-11-30T10:00:00Z'", ""), "m"),
                "node-a").nodeEligible());
        assertTrue(ServiceTables.build(ClusterSnapshot.parse("", "m"), "node-a").nodeEligible(), "no Node: eligible");
        ProxyHealth h = new ProxyHealth(Duration.ofSeconds(30), new ManualClock());
        h.nodeEligible(false);
        assertTrue(h.healthy() && !h.healthzOk());
        assertTrue(h.body().contains("\"nodeEligible\": false"), h.body());
    }

    @Test
    void configzServesTheConfigurationAsKubeProxyDoes() throws Exception {
        ProxyConfig c = ProxyFlags.apply(java.util.Optional.empty(), java.util.Map.of("proxy-mode", "nftables", "cluster-cidr", "10.244.0.0/16"));
        String json = ProxyConfigWriter.configz(c);
        assertTrue(json.startsWith("{\"kubeproxy.config.k8s.io\":{"), json);
        assertTrue(json.contains("\"mode\":\"nftables\"") && json.contains("\"clusterCIDR\":\"10.244.0.0/16\"")
                && json.contains("\"masqueradeBit\":14"), json);
    }

    /** kube-proxy's bindAddressHardFail: a taken port is fatal with it; without it, reported and tried again until free. */
    @Test
    void aTakenPortIsFatalOnlyWithBindAddressHardFailAndOtherwiseRetried() throws Exception {
        ProxyHealth h = new ProxyHealth(Duration.ofSeconds(30), java.time.Clock.systemUTC());
        java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        String address = "127.0.0.1:" + taken.getLocalPort();
        dev.svcproxy.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(dev.svcproxy.api.InvalidInputException.class,
                () -> ProxyServers.start(address, "", h, new Metrics(), () -> "iptables", () -> "{}", true, w -> { }));
        assertTrue(e.getMessage().startsWith("healthzBindAddress: cannot listen on " + address), e.getMessage());
        assertTrue(e.getMessage().endsWith("(bindAddressHardFail)"), e.getMessage());
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ProxyServers servers = ProxyServers.start(address, "", h, new Metrics(), () -> "iptables", () -> "{}", false, warnings::add)) {
            assertEquals(java.util.List.of(), servers.ports());
            assertTrue(warnings.get(0).startsWith("healthzBindAddress: cannot listen on " + address)
                    && warnings.get(0).endsWith("trying again in 5 s"), warnings.toString());
            taken.close();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (servers.ports().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(java.util.List.of(Integer.parseInt(address.substring(address.indexOf(':') + 1))), servers.ports(),
                    "bound once the port was free");
        } finally {
            taken.close();
        }
    }
}
