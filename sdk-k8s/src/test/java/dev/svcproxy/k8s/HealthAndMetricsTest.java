package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpFamily;
import java.time.Clock;
import java.time.Duration;
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
    void scrapeUsesKubeProxysNamesLabelsAndBuckets() {
        Metrics m = new Metrics();
        m.observe("kubeproxy_sync_proxy_rules_duration_seconds", 0.003, "ip_family", "IPv4");
        m.inc("kubeproxy_proxy_healthz_total", "code", "200");
        m.inc("kubeproxy_proxy_healthz_total", "code", "200");
        m.set("kubeproxy_sync_proxy_rules_last_timestamp_seconds", 1.5, "ip_family", "IPv6");
        String text = m.scrape();
        assertTrue(text.contains("# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n"), text);
        assertTrue(text.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.002\"} 0\n"), text);
        assertTrue(text.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.004\"} 1\n"), text);
        assertTrue(text.contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"+Inf\"} 1\n"), text);
        assertTrue(text.contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"} 1\n"), text);
        assertTrue(text.contains("kubeproxy_proxy_healthz_total{code=\"200\"} 2\n"), text);
        assertTrue(text.contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv6\"} 1.5\n"), text);
        assertEquals(15, Metrics.SYNC_BUCKETS.length);
        assertEquals(16.384, Metrics.SYNC_BUCKETS[14], 1e-9);
    }

    private static double sample(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElse(-1.0);
    }

    @Test
    void processAndJvmMemoryFiguresAreScrapedUnderThePrometheusCollectorsNames() throws java.io.IOException {
        Metrics m = new Metrics();
        dev.svcproxy.k8s.internal.ProcessMetrics.register(m);
        m.externalGauge("unreadable_gauge", "a figure that cannot be read", () -> Double.NaN);
        String scrape = m.scrape();
        long rss = Long.parseLong(java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/status"), java.nio.charset.StandardCharsets.UTF_8)
                .filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow().replaceAll("[^0-9]", "")) * 1024;
        double scraped = sample(scrape, "process_resident_memory_bytes");
        assertTrue(scraped > rss / 2.0 && scraped < rss * 2.0, scrape);
        assertTrue(sample(scrape, "jvm_memory_bytes_used{area=\"heap\"}") > 0, scrape);
        assertTrue(sample(scrape, "jvm_memory_bytes_used{area=\"nonheap\"}") > 0, scrape);
        assertEquals(Runtime.getRuntime().maxMemory(), sample(scrape, "jvm_memory_bytes_max{area=\"heap\"}"), Runtime.getRuntime().maxMemory() * 0.1, scrape);
        assertTrue(sample(scrape, "process_open_fds") > 2, scrape);
        assertTrue(sample(scrape, "process_cpu_seconds_total") > 0, scrape);
        assertTrue(sample(scrape, "process_start_time_seconds") > 1.7e9, scrape);
        assertTrue(scrape.contains("# TYPE process_resident_memory_bytes gauge") && scrape.contains("# TYPE process_cpu_seconds_total counter"), scrape);
        assertTrue(scrape.lines().noneMatch(l -> l.startsWith("unreadable_gauge")), "a NaN is left out: " + scrape);
    }

    /** kube-proxy's bindAddressHardFail: a taken port is fatal with it; without it, reported and tried again until free. */
    @Test
    void aTakenPortIsFatalOnlyWithBindAddressHardFailAndOtherwiseRetried() throws Exception {
        ProxyHealth h = new ProxyHealth(Duration.ofSeconds(30), java.time.Clock.systemUTC());
        java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        String address = "127.0.0.1:" + taken.getLocalPort();
        dev.svcproxy.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(dev.svcproxy.api.InvalidInputException.class,
                () -> ProxyServers.start(address, "", h, new Metrics(), () -> "iptables", true, w -> { }));
        assertTrue(e.getMessage().startsWith("healthzBindAddress: cannot listen on " + address), e.getMessage());
        assertTrue(e.getMessage().endsWith("(bindAddressHardFail)"), e.getMessage());
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ProxyServers servers = ProxyServers.start(address, "", h, new Metrics(), () -> "iptables", false, warnings::add)) {
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
