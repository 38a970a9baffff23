// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a kernel: render, and every way to call it wrong. */
class SvcproxyTest {
    static final String MANIFESTS = String.join("\n",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: nginx-service, namespace: default}",
            "spec: {clusterIP: 10.101.57.97, clusterIPs: [10.101.57.97, 'fd00:96::97'], ports: [{name: http, port: 80}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: nginx-v4, namespace: default, labels: {kubernetes.io/service-name: nginx-service}}",
            "addressType: IPv4",
            "ports: [{name: http, port: 80}]",
            "endpoints: [{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}, {addresses: [10.244.0.30]}]",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: broken, namespace: default}",
            "spec: {clusterIP: 10.101.57.300, ports: [{port: 80}]}",
            "");

    record Run(int rc, String out, String err) {
    }

    /** The command in this JVM; its log lines (slf4j-simple writes to whatever System.err is) land in {@code err}. */
    static synchronized Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream saved = System.err;
        System.setErr(errStream);
        try {
            int rc = new Svcproxy(new PrintStream(out, true, StandardCharsets.UTF_8), errStream).execute(args);
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void renderPrintsOneSectionPerFamilyAndSkipsBadObjectsByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        Run both = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a");
        assertEquals(0, both.rc(), both.err());
        assertTrue(both.out().startsWith("# IPv4\n*filter\n"), both.out());
        assertTrue(both.out().contains("\n# IPv6\n*filter\n"), both.out());
        assertTrue(both.out().contains("-A KUBE-SERVICES -m comment --comment \"default/nginx-service:http cluster IP\" -m tcp -p tcp"
                + " -d 10.101.57.97 --dport 80 -j KUBE-SVC-"), both.out());
        assertTrue(both.out().contains("-d fd00:96::97 --dport 80 -j REJECT"), "IPv6 has no endpoints: " + both.out());
        assertTrue(both.err().contains("skipped: Service default/broken:") && both.err().contains("10.101.57.300"), both.err());
        Run v4 = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4");
        assertEquals(0, v4.rc());
        String section = both.out().substring("# IPv4\n".length(), both.out().indexOf("# IPv6\n"));
        assertEquals(section, v4.out(), "--ip-family prints that family's payload alone");
    }

    @Test
    void badCommandLinesAndConfigsExitTwoNamingTheCulprit(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kp.yaml"), "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                + "iptables: {masqueradeBit: 40}\n");
        Run r = run("render", "--manifests", dir.toString(), "--config", dir.resolve("kp.yaml").toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("KubeProxyConfiguration.iptables.masqueradeBit: expected an integer 0-31, found '40'"), r.err());
        Run unknown = run("--config=/etc/x.conf", "--frobnicate");
        assertEquals(2, unknown.rc());
        assertTrue(unknown.err().contains("--frobnicate: unknown flag for 'kube-proxy'"), unknown.err());
        assertTrue(run("frobnicate").err().contains("frobnicate: unknown subcommand"));
        assertTrue(run("render", "--once").err().contains("--once: unknown flag for 'render'"));
        assertTrue(run("render").err().contains("--manifests: is required"));
        assertTrue(run("render", "--manifests", "/nonexistent/x").err().contains("/nonexistent/x: no such file or directory"));
        assertTrue(run("render", "--manifests", dir.toString(), "--ip-family", "IPv5").err().contains("--ip-family IPv5: expected IPv4 or IPv6"));
        Run noKubeconfig = run("run", "--kubeconfig", "/nonexistent/kubeconfig");
        assertEquals(2, noKubeconfig.rc());
        assertTrue(noKubeconfig.err().contains("/nonexistent/kubeconfig: cannot read the kubeconfig"), noKubeconfig.err());
        assertTrue(run("run", "--kubeconfig", "/x", "--manifests", dir.toString()).err()
                .contains("--manifests: give either --manifests or an API server (--kubeconfig, --master), not both"));
        assertTrue(run("render", "--manifests", dir.toString(), "--proxy-mode", "nftablez").err().contains("--proxy-mode: proxy mode 'nftablez' has no backend on the module path"));
        Run sched = run("render", "--manifests", dir.toString(), "--proxy-mode", "ipvs", "--ipvs-scheduler", "fastest");
        assertEquals(2, sched.rc());
        assertTrue(sched.err().contains("--ipvs-scheduler: unknown IPVS scheduler 'fastest' (expected one of [dh, lblc, lblcr, lc, mh, nq, rr, sed, sh, wlc, wrr])"), sched.err());
    }

    @Test
    void detectLocalModeNodeCidrUsesTheNodesPodCidrs(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS + "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                + "spec: {podCIDRs: [10.244.0.0/24]}\n");
        Path config = dir.resolve("kp.conf");
        Files.writeString(config, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\ndetectLocalMode: NodeCIDR\n");
        Run r = run("render", "--manifests", dir.resolve("svc.yaml").toString(), "--config", config.toString(),
                "--hostname-override", "node-a", "--ip-family", "IPv4");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("--dport 80 ! -s 10.244.0.0/24 -j KUBE-MARK-MASQ"), r.out());
    }

    @Test
    void kubeProxyFlagsSetFieldsWithoutConfigFileAndAreIgnoredWithOneAsKubeProxyDoes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS + "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                + "status: {addresses: [{type: InternalIP, address: 192.168.1.5}, {type: ExternalIP, address: 203.0.113.5}]}\n");
        Path config = dir.resolve("kp.yaml");
        Files.writeString(config, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                + "clusterCIDR: 10.0.0.0/8\nhostnameOverride: node-b\niptables: {masqueradeBit: 12}\nnodePortAddresses: [192.168.0.0/16]\n");
        // no --config: the flags set the fields
        Run r = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a",
                "--ip-family", "IPv4", "--cluster-cidr", "10.244.0.0/16", "--masquerade-all", "--iptables-masquerade-bit=15",
                "--nodeport-addresses", "192.168.0.0/16,10.1.0.0/16");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00008000"), "bit 15 from the flag: " + r.out());
        assertTrue(r.out().contains("-d 10.101.57.97 --dport 80 -j KUBE-MARK-MASQ"), "--masquerade-all: " + r.out());
        assertTrue(r.out().contains("-d 192.168.1.5 -j KUBE-NODEPORTS") && !r.out().contains("-d 203.0.113.5 -j KUBE-NODEPORTS"),
                "--nodeport-addresses picks the node IPs in 192.168.0.0/16: " + r.out());
        Run detect = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4",
                "--cluster-cidr", "10.244.0.0/16");
        assertTrue(detect.out().contains("--dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ"), "--cluster-cidr: " + detect.out());
        // --config: the file wins and the field flags are ignored, named in a warning; --hostname-override still applies
        Run withFile = run("render", "--manifests", dir.toString(), "--config", config.toString(), "--hostname-override", " Node-A ",
                "--ip-family", "IPv4", "--cluster-cidr", "10.244.0.0/16", "--iptables-masquerade-bit=15");
        assertEquals(0, withFile.rc(), withFile.err());
        assertTrue(withFile.out().contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00001000"), "bit 12 from the file: " + withFile.out());
        assertTrue(withFile.out().contains("--dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ"), "the file's clusterCIDR: " + withFile.out());
        assertTrue(withFile.out().contains("-d 192.168.1.5 -j KUBE-NODEPORTS"), "node-a's addresses (trimmed, lower-cased): " + withFile.out());
        assertTrue(withFile.err().contains(" WARN svcproxy - ignored because --config is given (as kube-proxy ignores them):"
                + " --cluster-cidr --iptables-masquerade-bit"), withFile.err());
        Run blank = run("render", "--manifests", dir.toString(), "--config", config.toString(), "--hostname-override", "  ");
        assertEquals(2, blank.rc());
        assertTrue(blank.err().contains("--hostname-override: a blank name is invalid"), blank.err());

        Run bad = run("render", "--manifests", dir.toString(), "--iptables-masquerade-bit", "32");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains(" ERROR svcproxy - --iptables-masquerade-bit: expected an integer 0-31, found '32'"), bad.err());
        assertTrue(run("render", "--manifests", dir.toString(), "--iptables-sync-period", "fast").err()
                .contains("--iptables-sync-period: expected a duration such as 30s, 1m0s or 1h, found 'fast'"));
        assertTrue(run("render", "--manifests", dir.toString(), "--cluster-cidr", "10.0.0.0/33").err().contains("--cluster-cidr: invalid CIDR"));
    }

    @Test
    void renderInIpvsModePrintsVirtualServersIpsetsAndRulesWithoutTheKernel(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS + "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                + "status: {addresses: [{type: InternalIP, address: 192.168.1.5}]}\n");
        Run r = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--proxy-mode", "ipvs",
                "--ipvs-scheduler", "wlc", "--ip-family", "IPv4");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().startsWith("# ipvs\n-A -t 10.101.57.97:80 -s wlc\n"), r.out());
        assertTrue(r.out().contains("-a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 1\n"), r.out());
        assertTrue(r.out().contains("# kube-ipvs0\naddress 10.101.57.97\n"), r.out());
        assertTrue(r.out().contains("add KUBE-CLUSTER-IP 10.101.57.97,tcp:80 -exist\n"), r.out());
        assertTrue(r.out().contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n"), r.out());
        assertTrue(r.err().contains("skipped: Service default/broken"), r.err());
    }

    @Test
    void traceFollowsOnePacketThroughTheRenderedRules(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyKernelTest.EXTERNAL);
        Run r = run("trace", "--manifests", dir.toString(), "--hostname-override", "node-a", "--cluster-cidr", "10.244.0.0/16",
                "--src", "192.168.77.2", "--dst", "10.101.57.97:80");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("arriving from outside"), r.out());
        assertTrue(r.out().contains("nat: -A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), r.out());
        assertTrue(r.out().contains("-j KUBE-MARK-MASQ"), "marked: the source is outside the cluster CIDR\n" + r.out());
        for (String ep : List.of("10.244.0.27:80", "10.244.0.28:80", "10.244.0.30:80")) {
            assertTrue(r.out().matches("(?s).*  " + ep.replace(".", "\\.") + " +33\\.3%.*"), ep + " gets a third\n" + r.out());
        }
        assertTrue(r.out().contains("masquerade: yes") && r.out().contains("verdict: ACCEPT"), r.out());

        Run empty = run("trace", "--manifests", dir.toString(), "--hostname-override", "node-a",
                "--src", "192.168.77.2", "--dst", "10.101.57.99:80");
        assertTrue(empty.out().contains("verdict: REJECT by filter:") && empty.out().contains("has no endpoints"), empty.out());
        assertEquals(2, run("trace", "--manifests", dir.toString(), "--src", "192.168.77.2", "--dst", "fd00::1:80").rc());
    }

    @Test
    void aThirdPartyBackendIsSelectedByTheModeNameWithNoChangeToTheCommand(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        dev.svcproxy.testing.recording.RecordingBackendProvider.clear();
        Run render = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--proxy-mode", "recording");
        assertEquals(0, render.rc(), render.err());
        assertEquals("# IPv4\n# recording: default/nginx-service:http\n# IPv6\n# recording: default/nginx-service:http\n",
                render.out());
        Run once = run("run", "--once", "--manifests", dir.toString(), "--hostname-override", "node-a", "--proxy-mode", "recording",
                "--conntrack-max-per-core", "0", "--conntrack-tcp-timeout-established", "0s", "--conntrack-tcp-timeout-close-wait", "0s");
        assertEquals(0, once.rc(), once.err());
        assertTrue(once.err().contains(" INFO KubeProxy - synced IPv4 (full): 1 services, 0 skipped"), once.err());
        List<String> events = dev.svcproxy.testing.recording.RecordingBackendProvider.events();
        assertTrue(events.contains("prepare IPv4") && events.contains("sync IPv4 default/nginx-service:http")
                && events.contains("close IPv6"), events.toString());
    }

    @Test
    void renderOfADirectoryWithACopiedManifestKeepsOneDefinitionAndNamesBothFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        Files.writeString(dir.resolve("svc-copy.yaml"), MANIFESTS);
        Run r = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("-d 10.101.57.97 --dport 80 -j KUBE-SVC-"), r.out());
        assertTrue(r.err().contains(" WARN KubeProxy - skipped: Service default/nginx-service: defined in " + dir.resolve("svc-copy.yaml")
                + " and again in " + dir.resolve("svc.yaml")), r.err());
    }

    @Test
    void helpAndVersionPrintAndExitZero() {
        Run help = run("--help");
        assertEquals(0, help.rc());
        assertTrue(help.out().startsWith("usage: svcproxy [--config FILE] [--hostname-override NAME]"), help.out());
        assertEquals(0, run("render", "--help").rc());
        Run version = run("--version");
        assertEquals(0, version.rc());
        assertTrue(version.out().matches("svcproxy \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.out());
    }

    /** The distribution's conf/simplelogger.properties: one format for the command's, the proxy's and the backends' lines. */
    @Test
    void everyMessageHasOneFormatOnStandardErrorAndStandardOutputOnlyThePayload(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        Files.writeString(dir.resolve("svc-copy.yaml"), MANIFESTS);
        Files.writeString(dir.resolve("evil.yaml"), SvcproxyTest.MANIFESTS.replace("name: broken", "name: \"bro\\nken\""));
        Run r = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4");
        assertEquals(0, r.rc(), r.err());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.size() >= 3, r.err());
        String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";
        lines.forEach(l -> assertTrue(l.matches(stamp + " (INFO|WARN|ERROR) [A-Za-z]+ - .+"), l));
        assertTrue(lines.stream().anyMatch(l -> l.contains(" WARN KubeProxy - skipped: Service default/bro\\nken")), r.err());
        assertTrue(r.out().lines().allMatch(l -> l.startsWith("*") || l.startsWith(":") || l.startsWith("-A ")
                || l.startsWith("COMMIT") || l.startsWith("#")), r.out());
        Run bad = run("render", "--manifests", dir.toString(), "--iptables-sync-period", "0s");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().lines().findFirst().orElseThrow().matches(stamp + " ERROR svcproxy - --iptables-sync-period: .+"), bad.err());
    }

    @Test
    void conntrackTcpBeLiberalMeansNoInvalidDropRuleAsInKubeProxy(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        Run liberal = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4",
                "--conntrack-tcp-be-liberal");
        assertEquals(0, liberal.rc(), liberal.err());
        assertTrue(liberal.out().contains("-A KUBE-FORWARD ") && !liberal.out().contains("--ctstate INVALID"), liberal.out());
        if (Files.readString(Path.of("/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal")).strip().equals("0")) {
            Run strict = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4");
            assertTrue(strict.out().contains("-A KUBE-FORWARD -m conntrack --ctstate INVALID"), "the control: " + strict.out());
        }
    }

    @Test
    void renderWritesTheLocalhostNodePortRuleThatRunInstallsWithItsCounter(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), String.join("\n",
                "apiVersion: v1", "kind: Service", "metadata: {name: np, namespace: default}",
                "spec: {type: NodePort, clusterIP: 10.96.0.50, ports: [{name: http, port: 80, nodePort: 30080}]}", "---",
                "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice",
                "metadata: {name: np-1, namespace: default, labels: {kubernetes.io/service-name: np}}", "addressType: IPv4",
                "ports: [{name: http, port: 8080}]", "endpoints: [{addresses: [10.244.0.27]}]", ""));
        Run r = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--ip-family", "IPv4");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("-A KUBE-NODEPORTS -m comment --comment default/np:http -m tcp -p tcp -d 127.0.0.0/8 --dport 30080"
                + " -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-"), "as run writes it, counter made at start: " + r.out());
    }

    /** kube-proxy's own command line, no subcommand: every flag it has, read as kube-proxy reads it. */
    @Test
    void kubeProxysCommandLineWritesItsConfigurationAndChecksEveryFlag(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("written.conf");
        for (String v : List.of("-v=4", "--v=4", "-v4", "-v 4", "--v 4")) {
            List<String> args = new java.util.ArrayList<>(List.of("--write-config-to", out.toString(), "--proxy-mode", "nftables"));
            args.addAll(List.of(v.split(" ")));
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.rc(), v + ": " + r.err());
            dev.svcproxy.k8s.ProxyConfig c = dev.svcproxy.k8s.ProxyConfigLoader.load(out);
            assertEquals(4, c.logging().verbosity(), v);
            assertEquals("nftables", c.mode());
        }
        Run all = run("--write-config-to=" + out, "--kubeconfig=/var/lib/kube-proxy/kubeconfig.conf", "--kube-api-qps=50",
                "--kube-api-burst=100", "--kube-api-content-type=application/json", "--oom-score-adj=-998", "--bind-address-hard-fail",
                "--feature-gates=ServiceTrafficDistribution=true,MadeUp=false", "--hostname-override=Node-A", "--master=https://10.0.0.1:6443",
                "--cleanup=false", "--profiling");
        assertEquals(0, all.rc(), all.err());
        dev.svcproxy.k8s.ProxyConfig c = dev.svcproxy.k8s.ProxyConfigLoader.load(out);
        assertEquals(java.util.Optional.of("/var/lib/kube-proxy/kubeconfig.conf"), c.clientConnection().kubeconfig());
        assertEquals(50.0, c.clientConnection().qps());
        assertEquals(100, c.clientConnection().burst());
        assertEquals("application/json", c.clientConnection().contentType());
        assertEquals(-998, c.oomScoreAdj());
        assertTrue(c.bindAddressHardFail());
        assertEquals(java.util.Map.of("ServiceTrafficDistribution", true, "MadeUp", false), c.featureGates());
        assertEquals("node-a", c.nodeName());
        // the deprecated port flags, which kube-proxy applies without --config and --write-config-to
        CommandLine ports = CommandLine.parse(new String[] {"--healthz-port=0", "--metrics-bind-address=0.0.0.0", "--metrics-port=9999"},
                Map.of("x", Set.of("healthz-port", "metrics-port", "metrics-bind-address")), Map.of(), "x");
        assertEquals(Map.of("healthz-bind-address", "", "metrics-bind-address", "0.0.0.0:9999"), Svcproxy.withDeprecatedPorts(ports),
                "port 0 disables a server, another completes an address given without one");
        CommandLine kept = CommandLine.parse(new String[] {"--metrics-bind-address=127.0.0.1:10249", "--metrics-port=9999"},
                Map.of("x", Set.of("metrics-port", "metrics-bind-address")), Map.of(), "x");
        assertEquals(Map.of("metrics-bind-address", "127.0.0.1:10249"), Svcproxy.withDeprecatedPorts(kept), "an address with a port keeps it");
        assertTrue(all.err().contains("WARN svcproxy - --profiling is accepted as kube-proxy accepts it, and has no effect"), all.err());

        Files.writeString(dir.resolve("svc.yaml"), MANIFESTS);
        Run gates = run("render", "--manifests", dir.toString(), "--hostname-override", "node-a", "--feature-gates", "MadeUp=true");
        assertEquals(0, gates.rc());
        assertTrue(gates.err().contains("WARN KubeProxy - feature gate MadeUp is not one kube-proxy consults: ignored"), gates.err());
        Run json = run("--logging-format=json");
        assertEquals(2, json.rc());
        assertTrue(json.err().contains("--logging-format: svcproxy writes text logs only (through SLF4J)"), json.err());
        Run oom = run("--oom-score-adj", "-1001");
        assertEquals(2, oom.rc());
        assertTrue(oom.err().contains("--oom-score-adj: expected an integer -1000-1000, found '-1001'"), oom.err());
        Run port = run("--healthz-port", "70000");
        assertEquals(2, port.rc());
        assertTrue(port.err().contains("--healthz-port: expected a port 0-65535, found '70000'"), port.err());
        assertEquals("info", Verbosity.level(3));
        assertEquals("debug", Verbosity.level(4));
        assertEquals("trace", Verbosity.level(6));
    }
}
