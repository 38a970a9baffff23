package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.StaleFlows;
import dev.svcproxy.iptables.kube.IptablesBackendProvider;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import dev.svcproxy.ipvs.kube.IpvsBackendProvider;
import dev.svcproxy.k8s.BoundedFrequencyRunner;
import dev.svcproxy.k8s.ClusterSnapshot;
import dev.svcproxy.netlink.nfacct.NfacctClient;
import dev.svcproxy.samples.demo.ServiceVipDemo;
import dev.svcproxy.k8s.Metrics;
import dev.svcproxy.k8s.ProxyHealth;
import dev.svcproxy.k8s.ProxyServers;
import dev.svcproxy.k8s.Problem;
import dev.svcproxy.k8s.ProxyFlags;
import dev.svcproxy.k8s.ServiceHealthServers;
import dev.svcproxy.k8s.ServiceTables;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code svcproxy run | render | cleanup}: kube-proxy's job, flags named as kube-proxy names them.
 * <ul>
 *   <li>{@code render --manifests PATH [--config FILE] [--ip-family IPv4|IPv6]} prints what a full sync would apply,
 *   touching nothing: a {@code # IPv4} / {@code # IPv6} section per family, or one family's payload alone;</li>
 *   <li>{@code run --manifests PATH | --kubeconfig FILE [--config FILE] [--once]} (in-cluster credentials when
 *   neither is given) syncs, then follows changes to the manifests and
 *   resyncs every {@code iptables.syncPeriod}, serving {@code /healthz} and {@code /livez} (0.0.0.0:10256) and
 *   {@code /metrics} and {@code /proxyMode} (127.0.0.1:10249); {@code --once} syncs once and exits with the sync's
 *   status;</li>
 *   <li>{@code cleanup} removes everything the proxy installed.</li>
 * </ul>
 * Exit codes: 0 success, 1 a sync or cleanup failed, 2 bad command line, configuration or manifests path.
 */
public final class Svcproxy {
    /** {@code --config} and kube-proxy's flags for configuration fields ({@link ProxyFlags}). */
    private static final Set<String> COMMON = union(Set.of("config"), ProxyFlags.FIELDS.keySet());
    private static final Map<String, Set<String>> VALUE_FLAGS = Map.of(
            "render", union(COMMON, Set.of("manifests", "ip-family")),
            "run", union(COMMON, Set.of("manifests", "kubeconfig")),
            "cleanup", COMMON,
            "demo", Set.of("connections", "mode"),
            "trace", union(COMMON, Set.of("manifests", "src", "dst", "proto")));
    private static final Map<String, Set<String>> BOOLEAN_FLAGS = Map.of("render", ProxyFlags.BOOLEAN,
            "run", union(ProxyFlags.BOOLEAN, Set.of("once")), "cleanup", ProxyFlags.BOOLEAN, "demo", Set.of(),
            "trace", ProxyFlags.BOOLEAN);

    private final PrintStream out;
    private final PrintStream err;
    private final Metrics metrics = new Metrics();
    private ConntrackClient conntrack;
    private NfacctClient nfacct;
    private ServiceHealthServers healthChecks;
    private volatile boolean stopping;
    private ProxyHealth health = new ProxyHealth(Duration.ofSeconds(30), Clock.systemUTC());

    Svcproxy(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    public static void main(String[] args) {
        Svcproxy s = new Svcproxy(System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> s.stopping = true));
        System.exit(s.execute(args));
    }

    int execute(String[] args) {
        CommandLine cl;
        ProxySetup setup;
        try {
            cl = CommandLine.parse(args, VALUE_FLAGS, BOOLEAN_FLAGS);
            setup = cl.command().equals("demo") ? null : ProxySetup.from(cl);
        } catch (SvcProxyException e) {
            err.println("svcproxy: " + e.getMessage());
            err.println("usage: svcproxy render --manifests PATH [--config FILE] [--ip-family IPv4|IPv6]");
            err.println("       svcproxy run (--manifests PATH | --kubeconfig FILE | in-cluster) [--config FILE] [--once]");
            err.println("       svcproxy cleanup [--config FILE]");
            err.println("       svcproxy demo [--connections N] [--mode iptables|ipvs]   (root: a Service in throw-away namespaces)");
            err.println("       svcproxy trace --src IP --dst IP:PORT [--proto tcp|udp|sctp] [--manifests PATH [--config FILE]]");
            err.println("each also takes kube-proxy's flags for configuration fields, e.g. --cluster-cidr, --masquerade-all,");
            err.println("--iptables-masquerade-bit, --nodeport-addresses, --iptables-sync-period (they override --config)");
            return 2;
        }
        try {
            return switch (cl.command()) {
                case "demo" -> demo(cl);
                case "trace" -> TraceCommand.run(cl, setup, out);
                case "render" -> render(cl, setup);
                case "run" -> run(cl, setup);
                default -> cleanup(setup);
            };
        } catch (InvalidInputException e) {
            err.println("svcproxy: " + e.getMessage());
            return 2;
        } catch (SvcProxyException e) {
            err.println("svcproxy: " + e.getMessage());
            return 1;
        }
    }

    /** {@code svcproxy demo}: how a Service works, in throw-away namespaces ({@link ServiceVipDemo}). */
    private int demo(CommandLine cl) {
        int n;
        try {
            n = Integer.parseInt(cl.get("connections").orElse("300"));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 100_000) {
            err.println("svcproxy: --connections: expected a number 1-100000, found '" + cl.get("connections").orElse("") + "'");
            return 2;
        }
        String mode = cl.get("mode").orElse("iptables");
        if (!mode.equals("iptables") && !mode.equals("ipvs")) {
            err.println("svcproxy: --mode: expected iptables or ipvs, found '" + mode + "'");
            return 2;
        }
        if (mode.equals("ipvs") && !ModeSwitch.ipvsUsable()) {
            return demoInKernelVm(n);
        }
        ServiceVipDemo.Result r = ServiceVipDemo.run("svcp-demo-" + ProcessHandle.current().pid(), n, ServiceVipDemo.progress(err), mode);
        ServiceVipDemo.print(r, n, out);
        out.flush();
        return r.hitsFromNode().values().stream().mapToInt(Integer::intValue).sum() == n ? 0 : 1;
    }

    /**
     * IPVS demo on a kernel without IPVS: the same command inside Debian's kernel under qemu, through the
     * checkout's {@code scripts/kernel-vm.sh} (set up on first use), with this distribution on the shared paths.
     */
    private int demoInKernelVm(int connections) {
        String reason = dev.svcproxy.ipvs.IpvsClient.availability().reason();
        Path home = Path.of(System.getProperty("svcproxy.home", ".")).toAbsolutePath().normalize();
        Path root = home.resolve("../../..").normalize(); // samples/target/svcproxy in a checkout
        Path vm = root.resolve("scripts/kernel-vm.sh");
        if (!Files.isRegularFile(vm)) {
            err.println("svcproxy: this kernel has no IPVS (" + reason + "), and no scripts/kernel-vm.sh beside this"
                    + " distribution to run the demo in a kernel that has it; run it from a checkout, or on a host with IPVS");
            return 1;
        }
        err.println("svcproxy: this kernel has no IPVS (" + reason + "): running the demo inside Debian's kernel under qemu");
        try {
            String vmDir = System.getenv().getOrDefault("VM_DIR", "/var/tmp/svcproxy-kernel-vm");
            List<List<String>> steps = new java.util.ArrayList<>();
            if (!Files.exists(Path.of(vmDir, "kernel.version"))) {
                steps.add(List.of("bash", vm.toString(), "setup"));
            }
            steps.add(List.of("bash", vm.toString(), "run", "-e", "JAVA_TOOL_OPTIONS", "--", home.resolve("bin/svcproxy").toString(),
                    "demo", "--mode", "ipvs", "--connections", String.valueOf(connections)));
            for (List<String> step : steps) {
                ProcessBuilder pb = new ProcessBuilder(step).directory(root.toFile()).inheritIO();
                pb.environment().put("VM_DIR", vmDir);
                pb.environment().put("JAVA_TOOL_OPTIONS", "-Xshare:off");
                int rc = pb.start().waitFor();
                if (rc != 0) {
                    return rc;
                }
            }
            return 0;
        } catch (java.io.IOException e) {
            err.println("svcproxy: cannot start the kernel VM: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static Path manifests(CommandLine cl) {
        Path p = Path.of(cl.get("manifests").orElseThrow(() -> new InvalidInputException("is required", "--manifests")));
        if (!Files.exists(p)) {
            throw new InvalidInputException("no such file or directory", p.toString());
        }
        return p;
    }

    /** {@code --manifests PATH}, else the API server ({@code --kubeconfig FILE} or in-cluster credentials). */
    private StateSource source(CommandLine cl, ProxySetup setup) {
        if (cl.get("manifests").isPresent()) {
            if (cl.get("kubeconfig").isPresent()) {
                throw new InvalidInputException("give either --manifests or --kubeconfig, not both", "--kubeconfig");
            }
            return StateSource.manifests(manifests(cl));
        }
        out.println("svcproxy: listing Services, EndpointSlices and Node " + setup.nodeName() + " from "
                + cl.get("kubeconfig").map(k -> "the API server in " + k).orElse("the in-cluster API server") + " ...");
        out.flush();
        return StateSource.api(cl.get("kubeconfig").map(Path::of), setup.nodeName(), setup.config().configSyncPeriod(),
                m -> err.println("svcproxy: " + m));
    }

    private ServiceTables.Result tables(ClusterSnapshot snapshot, ProxySetup setup) {
        ServiceTables.Result r = ServiceTables.build(snapshot, setup.nodeName());
        for (Problem p : r.problems()) {
            err.println("svcproxy: skipped: " + p);
        }
        return r;
    }

    private static ServiceProxyBackendProvider provider(String name) {
        return Backends.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("no such backend on the module path", name));
    }

    private int render(CommandLine cl, ProxySetup setup) {
        ServiceTables.Result r = tables(ClusterSnapshot.load(manifests(cl)), setup);
        Map<String, String> renderOptions;
        NfacctClient nf = KernelFacts.nfacct();
        try {
            renderOptions = KernelFacts.options(nf, false);
        } finally {
            if (nf != null) {
                nf.close();
            }
        }
        List<IpFamily> families = cl.get("ip-family").map(f -> List.of(ProxySetup.family(f))).orElse(List.of(IpFamily.values()));
        for (IpFamily f : families) {
            ServiceTable t = r.table(f);
            String text = provider(setup.config().mode()).render(setup.context(f, t, r.podCidrs(), renderOptions), t);
            if (cl.get("ip-family").isEmpty()) {
                out.println("# " + ProxySetup.familyName(f));
            }
            out.print(text);
        }
        out.flush();
        return 0;
    }

    private int run(CommandLine cl, ProxySetup setup) throws SvcProxyException {
        try (StateSource source = source(cl, setup)) {
            return run(cl, setup, source);
        }
    }

    private int run(CommandLine cl, ProxySetup setup, StateSource source) {
        Map<IpFamily, ServiceProxyBackend> backends = new EnumMap<>(IpFamily.class);
        ServiceTables.Result first = tables(source.read(), setup);
        source.report(first.problems());
        KernelFacts.applyConntrack(setup.config().conntrack(), m -> err.println("svcproxy: " + m));
        boolean ipvsMode = setup.config().mode().equals(IpvsBackendProvider.NAME);
        if (!ipvsMode) {
            nfacct = KernelFacts.nfacct();
        }
        Map<String, String> options = KernelFacts.options(nfacct, true);
        if (nfacct != null) {
            metrics.external("kubeproxy_iptables_ct_state_invalid_dropped_packets_total",
                    "packets dropped by the iptables proxier because conntrack considered them invalid", () -> packets(KubeProxyRules.COUNTER_INVALID));
            metrics.external("kubeproxy_iptables_localhost_nodeports_accepted_packets_total",
                    "packets accepted on nodeports of the loopback interface", () -> packets(KubeProxyRules.COUNTER_LOCALHOST));
        }
        for (IpFamily f : IpFamily.values()) {
            try {
                BackendContext context = setup.context(f, first.table(f), first.podCidrs(), options);
                backends.put(f, Backends.create(setup.config().mode(), context));
                if (!ipvsMode && new KubeProxyRules(context, false).localhostNodePorts()) { // the rules' own decision, IPv4 only
                    routeLocalnet();
                }
            } catch (SvcProxyException e) {
                if (f == IpFamily.IPV4) {
                    throw e;
                }
                err.println("svcproxy: IPv6 not programmed: " + e.getMessage());
            }
        }
        if (ipvsMode) { // after the backends: creating them loaded ip_vs, which makes net.ipv4.vs.*
            KernelFacts.applyIpvs(setup.config().ipvs(), m -> err.println("svcproxy: " + m));
        }
        Duration syncPeriod = setup.syncPeriod();
        Duration minSync = setup.minSyncPeriod();
        health = new ProxyHealth(syncPeriod, Clock.systemUTC());
        boolean firstOk = sync(backends, first);
        if (firstOk) {
            new ModeSwitch(setup, m -> err.println("svcproxy: " + m)).removeOtherMode(first);
        }
        if (cl.has("once")) {
            return firstOk ? 0 : 1;
        }
        String healthzAddress = setup.config().healthzBindAddress();
        String metricsAddress = setup.config().metricsBindAddress();
        try (ProxyServers servers = ProxyServers.start(healthzAddress, metricsAddress, health, metrics, () -> setup.config().mode())) {
            out.println("svcproxy: serving /healthz and /livez on " + healthzAddress + ", /metrics and /proxyMode on " + metricsAddress);
            try (ServiceHealthServers hc = new ServiceHealthServers(health::healthy, m -> err.println("svcproxy: " + m))) {
                healthChecks = hc;
                hc.sync(List.copyOf(first.tables().values())); // the first sync ran before the servers existed
                return follow(backends, source, setup, syncPeriod, minSync, first, firstOk);
            } finally {
                healthChecks = null;
            }
        }
    }

    /**
     * kube-proxy's sync loop: a {@link BoundedFrequencyRunner} with min = minSyncPeriod, retry = syncPeriod and
     * max = syncPeriod. The periodic run is where the backend checks its canary (and does its hourly full sync).
     */
    private int follow(Map<IpFamily, ServiceProxyBackend> backends, StateSource source, ProxySetup setup,
                       Duration syncPeriod, Duration minSync, ServiceTables.Result first, boolean firstOk) {
        BoundedFrequencyRunner runner = new BoundedFrequencyRunner(minSync, syncPeriod, syncPeriod);
        runner.started(); // the first sync has run
        runner.completed(System.nanoTime(), firstOk);
        AtomicReference<ServiceTables.Result> tables = new AtomicReference<>(first);
        AtomicBoolean dirty = new AtomicBoolean();
        AtomicBoolean ok = new AtomicBoolean(firstOk);
        try {
            runner.loop(() -> {
                if (dirty.getAndSet(false)) {
                    tables.set(tables(source.read(), setup));
                    source.report(tables.get().problems());
                }
                ok.set(sync(backends, tables.get()));
                return ok.get();
            }, () -> {
                if (source.changed()) {
                    dirty.set(true);
                    runner.request();
                }
                return stopping;
            }, 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ok.get() ? 0 : 1;
    }

    private boolean sync(Map<IpFamily, ServiceProxyBackend> backends, ServiceTables.Result tables) {
        boolean ok = true;
        if (healthChecks != null) {
            healthChecks.sync(List.copyOf(tables.tables().values()));
        }
        for (Map.Entry<IpFamily, ServiceProxyBackend> e : backends.entrySet()) {
            String family = ProxySetup.familyName(e.getKey());
            ServiceTable table = tables.table(e.getKey());
            health.queued(e.getKey());
            metrics.set("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", now(), "ip_family", family);
            try {
                SyncResult r = e.getValue().sync(table);
                health.updated(e.getKey());
                double seconds = r.duration().toNanos() / 1e9;
                metrics.observe("kubeproxy_sync_proxy_rules_duration_seconds", seconds, "ip_family", family);
                metrics.observe(r.full() ? "kubeproxy_sync_full_proxy_rules_duration_seconds"
                        : "kubeproxy_sync_partial_proxy_rules_duration_seconds", seconds, "ip_family", family);
                metrics.set("kubeproxy_sync_proxy_rules_last_timestamp_seconds", now(), "ip_family", family);
                metrics.set("kubeproxy_sync_proxy_rules_no_local_endpoints_total", noLocal(table, true), "ip_family", family,
                        "traffic_policy", "internal");
                metrics.set("kubeproxy_sync_proxy_rules_no_local_endpoints_total", noLocal(table, false), "ip_family", family,
                        "traffic_policy", "external");
                out.printf("svcproxy: synced %s (%s): %d services, %d skipped, in %d ms%n", family, r.full() ? "full" : "partial",
                        table.services().size(), r.skipped().size(), r.duration().toMillis());
                cleanStaleUdp(table, family);
            } catch (SvcProxyException ex) {
                metrics.inc("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "ip_family", family);
                err.println("svcproxy: sync of " + family + " failed: " + ex.getMessage());
                ok = false;
            }
        }
        out.flush();
        return ok;
    }

    /** kube-proxy's conntrack reconciler: UDP flows to a frontend whose endpoint is gone are deleted. */
    private void cleanStaleUdp(ServiceTable table, String family) {
        if (table.services().stream().noneMatch(v -> v.protocol() == dev.svcproxy.api.net.Protocol.UDP)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (conntrack == null) {
                conntrack = ConntrackClient.open();
            }
            int deleted = StaleFlows.clean(conntrack, table);
            metrics.add("kubeproxy_conntrack_reconciler_deleted_entries_total", deleted, "ip_family", family);
            metrics.observe("kubeproxy_conntrack_reconciler_sync_duration_seconds", (System.nanoTime() - t0) / 1e9, "ip_family", family);
            if (deleted > 0) {
                out.printf("svcproxy: deleted %d stale UDP conntrack entries (%s)%n", deleted, family);
            }
        } catch (SvcProxyException e) {
            err.println("svcproxy: conntrack clean-up of " + family + " failed: " + e.getMessage());
        }
    }

    /** Localhost node ports need {@code net.ipv4.conf.all.route_localnet=1}, as kube-proxy sets it (a warning if read-only). */
    private void routeLocalnet() {
        Path p = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");
        try {
            if (!Files.readString(p).strip().equals("1")) {
                Files.writeString(p, "1");
            }
        } catch (java.io.IOException e) {
            err.println("svcproxy: cannot set net.ipv4.conf.all.route_localnet=1 (localhost node ports will not work): " + e.getMessage());
        }
    }

    /** The nfacct counters the proxy created (after the rules that used them are gone). */
    private void deleteCounters() {
        NfacctClient nf = KernelFacts.nfacct();
        if (nf == null) {
            return;
        }
        try (nf) {
            nf.delete(KubeProxyRules.COUNTER_INVALID);
            nf.delete(KubeProxyRules.COUNTER_LOCALHOST);
        } catch (SvcProxyException e) {
            err.println("svcproxy: nfacct counters left in place: " + e.getMessage());
        }
    }

    private double packets(String counter) {
        try {
            return nfacct.get(counter).map(c -> (double) c.packets()).orElse(Double.NaN);
        } catch (SvcProxyException e) {
            return Double.NaN;
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** Services with a Local policy (internal or external) and endpoints, but none on this node. */
    private static long noLocal(ServiceTable t, boolean internal) {
        return t.services().stream().filter(v -> v.hasAnyEndpoints() && v.localEndpoints().isEmpty()
                && (internal ? v.internalTrafficPolicy() : v.externalTrafficPolicy()) == dev.svcproxy.api.model.TrafficPolicy.LOCAL)
                .count();
    }

    /** kube-proxy's {@code --cleanup}: the state of every mode this build has (IPVS where the kernel has it). */
    private int cleanup(ProxySetup setup) {
        int rc = 0;
        for (IpFamily f : IpFamily.values()) {
            try {
                ModeSwitch.unlinkBothModes(f);
            } catch (SvcProxyException e) {
                err.println("svcproxy: cleanup of " + ProxySetup.familyName(f) + ": " + e.getMessage());
            }
        }
        for (String mode : List.of(IpvsBackendProvider.NAME, IptablesBackendProvider.NAME)) {
            if (mode.equals(IpvsBackendProvider.NAME) && !ModeSwitch.ipvsUsable()) {
                continue;
            }
            for (IpFamily f : IpFamily.values()) {
                try (ServiceProxyBackend b = Backends.create(mode, setup.context(f, ServiceTable.empty(f), List.of(), Map.of()))) {
                    b.cleanup();
                    out.println("svcproxy: cleaned up " + mode + " " + ProxySetup.familyName(f));
                } catch (SvcProxyException e) {
                    err.println("svcproxy: cleanup of " + mode + " " + ProxySetup.familyName(f) + ": " + e.getMessage());
                    rc = f == IpFamily.IPV4 ? 1 : rc;
                }
            }
        }
        deleteCounters();
        return rc;
    }
}
