// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.k8s.ProxyConfigWriter;
import dev.svcproxy.k8s.ProxyFlags;
import dev.svcproxy.samples.demo.DemoCommand;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code svcproxy run | render | cleanup | trace | demo}: kube-proxy's job, flags named as kube-proxy names them, and
 * kube-proxy's own command line as it is ({@code svcproxy --config=FILE --hostname-override=NAME}, no subcommand; with
 * {@code --cleanup}, {@code --init-only} or {@code --write-config-to FILE}). This class only parses flags;
 * {@link KubeProxy} (sdk-k8s) does the work.
 * <ul>
 *   <li>{@code render --manifests PATH [--config FILE] [--ip-family IPv4|IPv6]} prints what a full sync would apply,
 *   touching nothing: a {@code # IPv4} / {@code # IPv6} section per family, or one family's payload alone;</li>
 *   <li>{@code run --manifests PATH | --kubeconfig FILE [--config FILE] [--once]} (in-cluster credentials when
 *   neither is given) syncs, then follows changes and resyncs every sync period, serving {@code /healthz} and
 *   {@code /livez} (0.0.0.0:10256) and {@code /metrics} and {@code /proxyMode} (127.0.0.1:10249); {@code --once}
 *   syncs once and exits with the sync's status;</li>
 *   <li>{@code cleanup} removes everything the proxy installed.</li>
 * </ul>
 * Exit codes: 0 success, 1 a sync or cleanup failed, 2 bad command line, configuration or manifests path.
 *
 * <p>Standard output carries only what was asked for (a payload, the usage, the version); every message (progress,
 * warnings, errors), the command's own as well as the proxy's and the backends', goes through SLF4J in one format,
 * set by the distribution's {@code conf/simplelogger.properties}.
 */
public final class Svcproxy {
    /** The subcommand of kube-proxy's own command line, which has none: {@code svcproxy --config=... [--cleanup]}. */
    static final String KUBE_PROXY = "kube-proxy";
    /** {@code --config} and kube-proxy's flags for configuration fields ({@link ProxyFlags}). */
    private static final Set<String> COMMON = union(Set.of("config"), ProxyFlags.FIELDS.keySet());
    /** kube-proxy's flags that are not configuration fields. */
    private static final Set<String> KUBE_PROXY_VALUES = Set.of("master", "write-config-to", "healthz-port", "metrics-port",
            "show-hidden-metrics-for-version", "vmodule", "logging-format", "log-flush-frequency");
    /** Accepted as kube-proxy accepts them, with no effect here (said at start). */
    private static final Set<String> NO_EFFECT = Set.of("profiling", "show-hidden-metrics-for-version", "vmodule", "log-flush-frequency");
    private static final Map<String, Set<String>> VALUE_FLAGS = Map.of(
            KUBE_PROXY, union(COMMON, KUBE_PROXY_VALUES),
            "render", union(COMMON, Set.of("manifests", "ip-family")),
            "run", union(COMMON, Set.of("manifests", "master")),
            "cleanup", COMMON,
            "demo", Set.of("connections", "mode"),
            "trace", union(COMMON, Set.of("manifests", "src", "dst", "proto")));
    private static final Map<String, Set<String>> BOOLEAN_FLAGS = Map.of(
            KUBE_PROXY, union(ProxyFlags.BOOLEAN, Set.of("cleanup", "init-only", "profiling")),
            "render", ProxyFlags.BOOLEAN,
            "run", union(ProxyFlags.BOOLEAN, Set.of("once")), "cleanup", ProxyFlags.BOOLEAN, "demo", Set.of(),
            "trace", ProxyFlags.BOOLEAN);

    private final PrintStream out;
    private final PrintStream err;
    private volatile KubeProxy running;

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
        LogSettings.load();
        Svcproxy s = new Svcproxy(System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KubeProxy p = s.running;
            if (p != null) {
                p.close();
            }
        }));
        System.exit(s.execute(args));
    }

    /** The command's own messages; {@link KubeProxy} and the backends log under their class names. */
    private static Logger log() {
        return LoggerFactory.getLogger("svcproxy");
    }

    int execute(String[] args) {
        List<String> words = List.of(args);
        if (words.contains("--version")) {
            out.println("svcproxy " + version());
            return 0;
        }
        if (words.contains("--help") || words.contains("-h") || words.equals(List.of("help"))) {
            usage(out);
            return 0;
        }
        CommandLine cl;
        ProxyConfig config;
        try {
            cl = CommandLine.parse(args, VALUE_FLAGS, BOOLEAN_FLAGS, KUBE_PROXY);
            if (cl.command().equals("demo")) {
                return DemoCommand.run(cl.get("connections"), cl.get("mode"), out, err);
            }
            if (!cl.get("logging-format").orElse("text").equals("text")) {
                throw new InvalidInputException("svcproxy writes text logs only (through SLF4J)", "--logging-format");
            }
            config = ProxyFlags.apply(cl.get("config").map(Path::of), withDeprecatedPorts(cl));
        } catch (SvcProxyException e) {
            log().error(e.getMessage());
            usage(err);
            return 2;
        }
        Verbosity.apply(config.logging().verbosity()); // before anything logs: the level is read once
        if (cl.get("config").isPresent() && !ProxyFlags.ignoredWithConfigFile(cl.flags()).isEmpty()) {
            log().warn("ignored because --config is given (as kube-proxy ignores them): {}",
                    String.join(" ", ProxyFlags.ignoredWithConfigFile(cl.flags())));
        }
        cl.flags().keySet().stream().filter(NO_EFFECT::contains).forEach(f -> log().warn("--{} is accepted as kube-proxy accepts it, and has no effect", f));
        try {
            return switch (cl.command()) {
                case KUBE_PROXY -> kubeProxy(cl, config);
                case "trace" -> TraceCommand.run(cl, config, cl.get("manifests").isPresent() ? proxy(config, manifestSource(cl)) : null, out);
                case "render" -> render(cl, config);
                case "run" -> run(cl, config);
                default -> cleanup(config);
            };
        } catch (InvalidInputException e) {
            log().error(e.getMessage());
            return 2;
        } catch (SvcProxyException e) {
            log().error(e.getMessage());
            return 1;
        }
    }

    /**
     * kube-proxy's deprecated {@code --healthz-port} and {@code --metrics-port} (default 10256 and 10249), applied as
     * kube-proxy applies them when no {@code --config} is given: port 0 disables the server, another port completes a
     * bind address given without one, and an address that has a port keeps it.
     */
    static Map<String, String> withDeprecatedPorts(CommandLine cl) {
        Map<String, String> flags = new LinkedHashMap<>(cl.flags());
        String healthzPort = flags.remove("healthz-port");
        String metricsPort = flags.remove("metrics-port");
        if (cl.get("config").isEmpty() && cl.get("write-config-to").isEmpty()) {
            port(flags, "healthz-bind-address", healthzPort, "10256");
            port(flags, "metrics-bind-address", metricsPort, "10249");
        }
        return flags;
    }

    private static void port(Map<String, String> flags, String addressFlag, String portFlag, String defaultPort) {
        if (portFlag == null && flags.get(addressFlag) == null) {
            return;
        }
        String port = portFlag == null ? defaultPort : portFlag;
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new InvalidInputException("expected a port 0-65535, found '" + port + "'",
                    "--" + addressFlag.substring(0, addressFlag.indexOf('-')) + "-port");
        }
        String address = flags.get(addressFlag);
        if (port.equals("0")) {
            flags.put(addressFlag, "");
        } else if (address != null && !address.isEmpty() && !hasPort(address)) {
            flags.put(addressFlag, (address.contains(":") ? "[" + address + "]" : address) + ":" + port);
        }
    }

    /** {@code IP:port} or {@code [IPv6]:port}, as opposed to a bare IP. */
    private static boolean hasPort(String address) {
        try {
            dev.svcproxy.api.net.HostPort.parse(address);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** kube-proxy's own command line: {@code --write-config-to}, {@code --cleanup}, {@code --init-only}, or the proxy. */
    private int kubeProxy(CommandLine cl, ProxyConfig config) {
        Optional<String> writeTo = cl.get("write-config-to");
        if (writeTo.isPresent()) {
            try {
                Files.writeString(Path.of(writeTo.get()), ProxyConfigWriter.yaml(config));
            } catch (java.io.IOException e) {
                log().error("cannot write the configuration to {}: {}", writeTo.get(), e.getMessage());
                return 1;
            }
            log().info("wrote the configuration to {}", writeTo.get());
            return 0;
        }
        if (cl.has("cleanup")) {
            return cleanup(config);
        }
        if (cl.has("init-only")) {
            try (KubeProxy proxy = proxy(config, null, Optional.empty())) {
                proxy.init().forEach(w -> log().warn(w));
            }
            log().info("initialised ({} mode): exiting, as --init-only asks", config.mode());
            return 0;
        }
        return run(cl, config);
    }

    private static void usage(PrintStream to) {
        to.println("usage: svcproxy [--config FILE] [--hostname-override NAME] [--cleanup | --init-only | --write-config-to FILE]");
        to.println("                [--master URL] [--kubeconfig FILE] [-v N] [kube-proxy's flags]   (kube-proxy's own command line)");
        to.println("       svcproxy render --manifests PATH [--config FILE] [--ip-family IPv4|IPv6]");
        to.println("       svcproxy run (--manifests PATH | --kubeconfig FILE | --master URL | in-cluster) [--config FILE] [--once]");
        to.println("       svcproxy cleanup [--config FILE]");
        to.println("       svcproxy demo [--connections N] [--mode iptables|ipvs|nftables]   (root: a Service in throw-away namespaces)");
        to.println("       svcproxy trace --src IP --dst IP:PORT [--proto tcp|udp|sctp] [--manifests PATH [--config FILE]]");
        to.println("       svcproxy --help | --version");
        to.println("each also takes kube-proxy's flags for configuration fields, e.g. --cluster-cidr, --masquerade-all,");
        to.println("--iptables-masquerade-bit, --nodeport-addresses, --iptables-sync-period, --proxy-mode; as kube-proxy, with --config");
        to.println("they are ignored, but --hostname-override and -v");
        to.flush();
    }

    /** The project's version ({@link KubeProxy#version()}). */
    static String version() {
        return KubeProxy.version();
    }

    /** A proxy that logs its progress and warnings through SLF4J; it owns {@code source}. */
    private static KubeProxy proxy(ProxyConfig config, ClusterSource source) {
        return proxy(config, source, Optional.empty());
    }

    /** As {@link #proxy(ProxyConfig, ClusterSource)}, stopping when {@code configFile} changes. */
    private static KubeProxy proxy(ProxyConfig config, ClusterSource source, Optional<Path> configFile) {
        try {
            KubeProxy.Builder b = KubeProxy.newBuilder().config(config).source(source);
            configFile.ifPresent(b::configFile);
            return b.build();
        } catch (RuntimeException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        }
    }

    private static ClusterSource manifestSource(CommandLine cl) {
        Path p = Path.of(cl.get("manifests").orElseThrow(() -> new InvalidInputException("is required", "--manifests")));
        if (!Files.exists(p)) {
            throw new InvalidInputException("no such file or directory", p.toString());
        }
        return ClusterSource.manifests(p);
    }

    /** {@code --manifests PATH}, else the API server (as {@code clientConnection} and {@code --master} say). */
    private ClusterSource source(CommandLine cl, ProxyConfig config) {
        if (cl.get("manifests").isPresent()) {
            if (config.clientConnection().kubeconfig().isPresent() || cl.get("master").isPresent()) {
                throw new InvalidInputException("give either --manifests or an API server (--kubeconfig, --master), not both",
                        "--manifests");
            }
            return manifestSource(cl);
        }
        log().info("listing Services, EndpointSlices and Node {} from {} ...", config.nodeName(),
                config.clientConnection().describe(cl.get("master")));
        return ClusterSource.apiServer(config.clientConnection(), cl.get("master"), config.nodeName(), config.configSyncPeriod());
    }

    private int render(CommandLine cl, ProxyConfig config) {
        List<IpFamily> families = cl.get("ip-family").map(f -> List.of(family(f))).orElse(List.of(IpFamily.values()));
        try (KubeProxy proxy = proxy(config, manifestSource(cl))) {
            for (IpFamily f : families) {
                if (cl.get("ip-family").isEmpty()) {
                    out.println("# " + f);
                }
                proxy.render(f, out); // streamed: a large cluster's payload is never held whole
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.flush();
        return 0;
    }

    static IpFamily family(String text) {
        try {
            return IpFamily.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("expected IPv4 or IPv6", "--ip-family " + text);
        }
    }

    private int run(CommandLine cl, ProxyConfig config) {
        try (KubeProxy proxy = proxy(config, source(cl, config), cl.get("once").isPresent() ? Optional.empty() : cl.get("config").map(Path::of))) {
            if (cl.has("once")) {
                return proxy.syncOnce() ? 0 : 1;
            }
            running = proxy;
            return proxy.run() ? 0 : 1;
        } finally {
            running = null;
        }
    }

    /** kube-proxy's {@code --cleanup}: the state of every mode this build has (IPVS where the kernel has it). */
    private int cleanup(ProxyConfig config) {
        try (KubeProxy proxy = proxy(config, null)) {
            proxy.cleanup();
            return 0;
        } catch (SvcProxyException e) {
            log().error(e.getMessage());
            return 1;
        }
    }
}
