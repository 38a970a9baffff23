// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.BackendMetric;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.k8s.internal.BackendContexts;
import dev.svcproxy.k8s.internal.ConntrackSysctls;
import dev.svcproxy.k8s.internal.ChangeCounter;
import dev.svcproxy.k8s.internal.DaemonThreads;
import dev.svcproxy.k8s.internal.SyncRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The complete kube-proxy: a {@link ProxyConfig}, a {@link ClusterSource} and a backend found by the mode's name
 * ({@code iptables}, {@code ipvs}, or any installed {@link ServiceProxyBackendProvider}), composed as kube-proxy's
 * {@code ProxyServer} composes them.
 *
 * <pre>{@code
 * try (KubeProxy proxy = KubeProxy.newBuilder()
 *         .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a")))
 *         .source(ClusterSource.manifests(Path.of("/etc/svcproxy/manifests")))
 *         .build()) {
 *     proxy.run(); // until close(), from another thread or a shutdown hook
 * }
 * }</pre>
 *
 * <p>{@link #run()} and {@link #syncOnce()} first apply the prerequisites (kube-proxy's conntrack sysctls, then each
 * backend's own: {@code route_localnet}, IPVS sysctls, counters), all in the configured network namespace; after
 * the first good sync the state of every other installed mode is removed. Each sync records kube-proxy's metrics
 * and deletes stale UDP conntrack entries. {@link #run()} also serves {@code /healthz} and {@code /livez}, the
 * metrics, and the services' health-check node ports, and re-syncs on changes (no sooner than {@code minSyncPeriod})
 * and every {@code syncPeriod}. A failed sync is retried after {@code syncPeriod} and leaves the last good rules.
 *
 * <p>Thread-safe; {@link #close()} stops {@link #run()} and releases the backends, servers and source.
 */
public final class KubeProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeProxy.class);
    private final ProxyConfig config;
    private final String nodeName;
    private final Optional<Path> netns;
    private final ClusterSource source;
    private final List<ServiceProxyBackendProvider> installed;
    private final ServiceProxyBackendProvider provider;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    private final Metrics metrics = new Metrics();
    private final ProxyHealth health;
    private final SyncRecorder recorder;
    private final ChangeCounter changes = new ChangeCounter(metrics);
    private final Map<IpFamily, ServiceProxyBackend> backends = new EnumMap<>(IpFamily.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch runEnded = new CountDownLatch(1);
    private volatile boolean running;
    private ServiceTables.Result tables;
    private boolean started;
    private boolean otherModesRemoved;
    private ServiceHealthServers healthChecks;
    private final Optional<ConfigFileWatch> configWatch;
    private volatile boolean configChanged;

    private KubeProxy(Builder b) {
        this.config = b.config;
        this.nodeName = b.nodeName.orElseGet(config::nodeName);
        this.netns = b.netns;
        this.configWatch = b.configFile.map(f -> new ConfigFileWatch(f, System::nanoTime));
        this.source = b.source;
        this.installed = b.providers.orElseGet(Backends::providers);
        this.provider = provider(installed, config.mode());
        this.info = b.info;
        this.warn = b.warn;
        this.health = new ProxyHealth(config.syncPeriod(), Clock.systemUTC());
        if (source != null) {
            health.source(source::unreadableSince);
        }
        this.recorder = new SyncRecorder(metrics, health, netns, info, warn);
        FeatureGates.unknown(config.featureGates()).forEach(warn);
        metrics.buildInfo(version());
    }

    /**
     * svcproxy's version, as the build wrote it ({@code version.properties}), e.g. {@code 0.1.0}.
     *
     * @return the version
     */
    public static String version() {
        try (java.io.InputStream in = KubeProxy.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(unknown version)");
        } catch (java.io.IOException e) {
            return "(unknown version)";
        }
    }

    /**
     * A builder: {@link Builder#source} is required for everything but {@link #cleanup()}.
     *
     * @return a builder
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    private static ServiceProxyBackendProvider provider(List<ServiceProxyBackendProvider> all, String mode) {
        return all.stream().filter(p -> p.name().equals(mode)).findFirst()
                .orElseThrow(() -> new InvalidInputException("proxy mode '" + mode + "' has no backend on the module path"
                        + " (installed: " + all.stream().map(ServiceProxyBackendProvider::name).collect(Collectors.joining(", "))
                        + ")", "--proxy-mode"));
    }

    /**
     * The node this proxy serves.
     *
     * @return the node this proxy serves
     */
    public String nodeName() {
        return nodeName;
    }

    /**
     * The configuration it runs with.
     *
     * @return the configuration it runs with
     */
    public ProxyConfig config() {
        return config;
    }

    /**
     * The name of the backend in use, e.g. {@code iptables}.
     *
     * @return the mode's name
     */
    public String mode() {
        return provider.name();
    }

    /**
     * kube-proxy's metrics, as {@code /metrics} serves them.
     *
     * @return kube-proxy's metrics, as {@code /metrics} serves them
     */
    public Metrics metrics() {
        return metrics;
    }

    /**
     * kube-proxy's proxy health, as {@code /healthz} serves it.
     *
     * @return kube-proxy's proxy health, as {@code /healthz} serves it
     */
    public ProxyHealth health() {
        return health;
    }

    /**
     * The desired state the last sync used (read from the source if nothing was synced yet).
     *
     * @return the desired state the last sync used (read from the source if nothing was synced yet)
     */
    public synchronized ServiceTables.Result tables() {
        if (tables == null) {
            tables = read();
        }
        return tables;
    }

    private ServiceTables.Result read() {
        ServiceTables.Result r = requireSource().read(nodeName);
        changes.read(r);
        health.nodeEligible(r.nodeEligible());
        r.problems().forEach(p -> warn.accept("skipped: " + p));
        source.report(r.problems());
        return r;
    }

    private ClusterSource requireSource() {
        if (source == null) {
            throw new InvalidInputException("no source of Services and EndpointSlices was given", "KubeProxy");
        }
        return source;
    }

    /**
     * The settings the backend of {@code family} is made with, from the configuration and the current state.
     *
     * @param family the IP family
     * @return the settings the backend of {@code family} is made with, from the configuration and the current state
     */
    public synchronized BackendContext context(IpFamily family) {
        ServiceTables.Result t = tables();
        return BackendContexts.of(config, family, t.table(family), t.podCidrs(), netns);
    }

    /** The settings of {@code family}'s backend with no service yet: enough to probe, prepare or clean up. */
    private BackendContext emptyContext(IpFamily family) {
        return BackendContexts.of(config, family, ServiceTable.empty(family), List.of(), netns);
    }

    /**
     * What a full sync would apply now, per family, as the backend's own text; touches nothing.
     *
     * @return what a full sync would apply now, per family, as the backend's own text
     */
    public synchronized Map<IpFamily, String> render() {
        Map<IpFamily, String> out = new LinkedHashMap<>();
        for (IpFamily f : IpFamily.values()) {
            out.put(f, provider.render(context(f), tables().table(f)));
        }
        return out;
    }

    /**
     * What a full sync would apply now for {@code family}, written to {@code out} (line by line where the backend
     * streams: the iptables payload of a large cluster is never held whole); touches nothing.
     *
     * @param family the IP family
     * @param out where the text goes
     * @throws java.io.IOException if writing to {@code out} fails
     */
    public synchronized void render(IpFamily family, Appendable out) throws IOException {
        provider.render(context(family), tables().table(family), out);
    }

    /**
     * One sync of the source's current state: the prerequisites and backends first if this is the first, and the
     * other modes' state removed after the first good one. Returns whether every family synced.
     *
     * @return true if every family synced
     */
    public synchronized boolean syncOnce() {
        if (closed.get()) {
            throw new SvcProxyException("closed", "KubeProxy");
        }
        if (started) {
            tables = read();
        } else {
            start();
        }
        return sync();
    }

    /**
     * kube-proxy's {@code --init-only}: what needs full privileges and nothing else, the conntrack sysctls and each
     * family's backend prerequisites (sysctls, kernel modules), with no source and no rules. Returns the warnings
     * (a prerequisite that could not be set); throws if the IPv4 backend cannot be made at all.
     *
     * @return the warnings of the settings that could not be made
     */
    public synchronized List<String> init() {
        List<String> warnings = new ArrayList<>(ConntrackSysctls.apply(config.conntrack(), netns));
        for (IpFamily f : IpFamily.values()) {
            BackendContext context = emptyContext(f);
            try (ServiceProxyBackend b = Backends.create(provider, context)) {
                warnings.addAll(b.prepare());
            } catch (SvcProxyException e) {
                if (f == IpFamily.IPV4) {
                    throw e;
                }
                warnings.add("IPv6 not prepared: " + e.getMessage());
            }
        }
        return warnings;
    }

    /**
     * The first read, then each family's backend. The backends' availability probes (a save, a netlink request: 0.1-0.3
     * s cold) need no service, so they run on a second thread while the source is read.
     */
    private void start() {
        Map<IpFamily, CompletableFuture<Availability>> probes = new EnumMap<>(IpFamily.class);
        ExecutorService prober = Executors.newSingleThreadExecutor(DaemonThreads.named("svcproxy-backend-probe"));
        try {
            for (IpFamily f : IpFamily.values()) {
                BackendContext probing = emptyContext(f);
                probes.put(f, CompletableFuture.supplyAsync(() -> Backends.availability(provider, probing), prober));
            }
            tables = read();
        } finally {
            prober.shutdown();
        }
        ConntrackSysctls.apply(config.conntrack(), netns).forEach(warn);
        for (IpFamily f : IpFamily.values()) {
            ServiceProxyBackend b = null;
            try {
                b = Backends.create(provider, context(f), probes.get(f).join());
                b.prepare().forEach(warn);
                backends.put(f, b);
                for (BackendMetric m : b.metrics()) {
                    if (m.perFamily()) {
                        metrics.external(m.name(), m.help(), m.value(), "ip_family", f.toString());
                    } else {
                        metrics.external(m.name(), m.help(), m.value());
                    }
                }
            } catch (SvcProxyException e) {
                if (b != null) {
                    b.close();
                }
                if (f == IpFamily.IPV4) {
                    closeBackends();
                    throw e;
                }
                warn.accept("IPv6 not programmed: " + e.getMessage());
            }
        }
        started = true;
    }

    private boolean sync() {
        if (healthChecks != null) {
            healthChecks.sync(List.copyOf(tables.tables().values()));
        }
        boolean ok = true;
        for (Map.Entry<IpFamily, ServiceProxyBackend> e : backends.entrySet()) {
            ServiceTable table = tables.table(e.getKey());
            ok &= recorder.sync(e.getValue(), table);
        }
        if (ok) {
            changes.synced(tables.tables(), java.time.Instant.now());
        }
        if (ok && !otherModesRemoved) {
            otherModesRemoved = true;
            removeOtherModes();
        }
        return ok;
    }

    /** kube-proxy at start: the state of every other installed mode goes, but what this mode shares with it. */
    private void removeOtherModes() {
        for (ServiceProxyBackendProvider other : installed) {
            if (other.name().equals(provider.name())) {
                continue;
            }
            for (Map.Entry<IpFamily, ServiceProxyBackend> e : backends.entrySet()) {
                BackendContext context = context(e.getKey());
                try {
                    if (!Backends.availability(other, context).available()) {
                        continue;
                    }
                    try (ServiceProxyBackend b = other.create(context)) {
                        if (b.hasLeftovers()) {
                            b.removeLeftovers(e.getValue().sharedState());
                            info.accept("removed the " + other.name() + " mode's state (" + e.getKey() + ")");
                        }
                    }
                } catch (SvcProxyException ex) {
                    warn.accept("could not remove the " + other.name() + " mode's state (" + e.getKey() + "): " + ex.getMessage());
                }
            }
        }
    }

    /**
     * Runs the proxy until {@link #close()} (call it once), or until the {@link Builder#configFile configuration file}
     * changes: this process's {@code oomScoreAdj}, the first sync, then the servers the configuration names (an empty
     * bind address disables one; a port that is taken is fatal only with {@code bindAddressHardFail}), then
     * kube-proxy's sync loop. Returns whether the last sync succeeded (false if the configuration file changed).
     *
     * @return true if the last sync succeeded
     */
    public boolean run() {
        boolean first;
        synchronized (this) {
            running = true;
        }
        try {
            OomScoreAdj.apply(config.oomScoreAdj(), warn);
            first = syncOnce();
            try (ProxyServers servers = ProxyServers.start(config.healthzBindAddress(), config.metricsBindAddress(), health,
                    metrics, provider::name, () -> ProxyConfigWriter.configz(config), config.bindAddressHardFail(), warn);
                 ServiceHealthServers hc = new ServiceHealthServers(health::healthy, warn, netns)) {
                info.accept("serving " + servers.describe());
                synchronized (this) {
                    healthChecks = hc;
                    hc.sync(List.copyOf(tables.tables().values())); // the first sync ran before the servers existed
                }
                return loop(first);
            } finally {
                synchronized (this) {
                    healthChecks = null;
                }
            }
        } finally {
            running = false;
            runEnded.countDown();
        }
    }

    /**
     * kube-proxy's sync loop: a {@link BoundedFrequencyRunner} with min = minSyncPeriod, retry = syncPeriod and
     * max = syncPeriod. The periodic run is where the backend checks its canary (and does its hourly full sync).
     */
    private boolean loop(boolean firstOk) {
        BoundedFrequencyRunner runner = new BoundedFrequencyRunner(config.minSyncPeriod(), config.syncPeriod(), config.syncPeriod());
        runner.started(); // the first sync has run
        runner.completed(System.nanoTime(), firstOk);
        source.onChange(runner::wake); // a source with events of its own is asked at once, not at the next 100 ms poll
        AtomicBoolean dirty = new AtomicBoolean();
        AtomicBoolean ok = new AtomicBoolean(firstOk);
        try {
            runner.loop(() -> {
                synchronized (this) {
                    if (dirty.getAndSet(false)) {
                        tables = read();
                    }
                    ok.set(sync());
                    return ok.get();
                }
            }, () -> {
                if (source.changed()) {
                    dirty.set(true);
                    runner.request();
                }
                if (configWatch.isPresent() && configWatch.get().changed()) {
                    warn.accept("the configuration file " + configWatch.get().file() + " changed: stopping, to be started"
                            + " again with it (as kube-proxy)");
                    configChanged = true;
                }
                return closed.get() || configChanged;
            }, 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ok.get() && !configChanged;
    }

    /**
     * kube-proxy's {@code --cleanup}: the state of every installed mode that can run here, in the configured
     * namespace. Each mode first unlinks its rules, then each removes its state. Throws if the IPv4 clean-up of a
     * mode failed (after trying every other); IPv6 failures are warnings.
     */
    public synchronized void cleanup() {
        record Made(String what, IpFamily family, ServiceProxyBackend backend) {
        }
        List<Made> made = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            for (ServiceProxyBackendProvider p : installed) {
                for (IpFamily f : IpFamily.values()) {
                    BackendContext context = emptyContext(f);
                    try {
                        if (Backends.availability(p, context).available()) {
                            made.add(new Made(p.name() + " " + f, f, p.create(context)));
                        }
                    } catch (SvcProxyException e) {
                        warn.accept("cleanup of " + p.name() + " " + f + ": " + e.getMessage());
                    }
                }
            }
            for (Made m : made) {
                try {
                    m.backend().unlink();
                } catch (SvcProxyException e) {
                    warn.accept("cleanup of " + m.what() + ": " + e.getMessage());
                }
            }
            for (Made m : made) {
                try {
                    m.backend().cleanup();
                    info.accept("cleaned up " + m.what());
                } catch (SvcProxyException e) {
                    warn.accept("cleanup of " + m.what() + ": " + e.getMessage());
                    if (m.family() == IpFamily.IPV4) {
                        failures.add(m.what() + ": " + e.getMessage());
                    }
                }
            }
        } finally {
            made.forEach(m -> m.backend().close());
        }
        if (!failures.isEmpty()) {
            throw new SvcProxyException("cleanup failed: " + String.join("; ", failures), "KubeProxy");
        }
    }

    private void closeBackends() {
        backends.values().forEach(ServiceProxyBackend::close);
        backends.clear();
    }

    /** Stops {@link #run()} (waiting up to ten seconds for its loop to end), then releases everything. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (running) {
            try {
                runEnded.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeBackends();
            recorder.close();
            if (source != null) {
                source.close();
            }
        }
    }

    /** Builds a {@link KubeProxy}. */
    public static final class Builder {
        private ProxyConfig config = ProxyConfig.defaults();
        private ClusterSource source;
        private Optional<String> nodeName = Optional.empty();
        private Optional<Path> netns = Optional.empty();
        private Optional<List<ServiceProxyBackendProvider>> providers = Optional.empty();
        private Consumer<String> info = m -> LOG.info(Problem.escape(m));
        private Consumer<String> warn = m -> LOG.warn(Problem.escape(m));
        private Optional<Path> configFile = Optional.empty();

        private Builder() {
        }

        /**
         * The file the configuration was read from: {@link KubeProxy#run()} ends, returning false, when its content
         * changes, as kube-proxy exits then so that it is restarted with the new configuration.
         *
         * @param file the configuration file
         * @return the file the configuration was read from
         */
        public Builder configFile(Path file) {
            this.configFile = Optional.of(file);
            return this;
        }

        /**
         * kube-proxy's configuration ({@link ProxyConfigLoader}, {@link ProxyFlags}); default {@link ProxyConfig#defaults()}.
         *
         * @param config the configuration
         * @return kube-proxy's configuration ({@link ProxyConfigLoader}, {@link ProxyFlags})
         */
        public Builder config(ProxyConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Where Services, EndpointSlices and the Node come from; the proxy closes it when it closes.
         *
         * @param source the source
         * @return where Services, EndpointSlices and the Node come from
         */
        public Builder source(ClusterSource source) {
            this.source = source;
            return this;
        }

        /**
         * The node's name; default {@link ProxyConfig#nodeName()}.
         *
         * @param nodeName this node's name
         * @return the node's name
         */
        public Builder nodeName(String nodeName) {
            this.nodeName = Optional.of(nodeName);
            return this;
        }

        /**
         * The network namespace to program ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}): rules, sysctls,
         * counters, conntrack clean-up and the services' health-check node ports go there; default this process's
         * namespace. The healthz and metrics servers bind in this process's namespace, on the configured addresses.
         *
         * @param netns the network namespace's path
         * @return the network namespace to program ({@code /run/netns/NAME}, {@code /proc/PID/ns/net})
         */
        public Builder netns(Path netns) {
            this.netns = Optional.of(netns);
            return this;
        }

        /**
         * The installed backends: the mode's name picks one, and {@link KubeProxy#cleanup()} and the mode switch visit all;
         * default those {@link java.util.ServiceLoader} finds ({@link Backends#providers()}).
         *
         * @param providers the backends to choose from
         * @return the installed backends
         */
        public Builder providers(List<ServiceProxyBackendProvider> providers) {
            this.providers = Optional.of(List.copyOf(providers));
            return this;
        }

        /**
         * Where progress lines (synced, serving, removed) and warnings go; default this class's slf4j logger, with
         * control characters escaped ({@link Problem#escape}).
         *
         * @param info where progress lines go
         * @param warnings where warnings go
         * @return where progress lines (synced, serving, removed) and warnings go
         */
        public Builder messages(Consumer<String> info, Consumer<String> warnings) {
            this.info = info;
            this.warn = warnings;
            return this;
        }

        /**
         * The proxy; fails if no backend of the configured mode is installed. Nothing touches the kernel yet.
         *
         * @return the proxy
         */
        public KubeProxy build() {
            return new KubeProxy(this);
        }
    }
}
