package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.k8s.ProxyFlags;
import dev.svcproxy.samples.demo.DemoCommand;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code svcproxy run | render | cleanup | trace | demo}: kube-proxy's job, flags named as kube-proxy names them. This
 * class only parses flags; {@link KubeProxy} (sdk-k8s) does the work.
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
    /** The command's own messages; {@link KubeProxy} and the backends log under their class names. */
    private static final Logger LOG = LoggerFactory.getLogger("svcproxy");
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
        Svcproxy s = new Svcproxy(System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KubeProxy p = s.running;
            if (p != null) {
                p.close();
            }
        }));
        System.exit(s.execute(args));
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
            cl = CommandLine.parse(args, VALUE_FLAGS, BOOLEAN_FLAGS);
            if (cl.command().equals("demo")) {
                return DemoCommand.run(cl.get("connections"), cl.get("mode"), out, err);
            }
            config = ProxyFlags.apply(cl.get("config").map(Path::of), cl.flags());
        } catch (SvcProxyException e) {
            LOG.error(e.getMessage());
            usage(err);
            return 2;
        }
        try {
            return switch (cl.command()) {
                case "trace" -> TraceCommand.run(cl, config, cl.get("manifests").isPresent() ? proxy(config, manifestSource(cl)) : null, out);
                case "render" -> render(cl, config);
                case "run" -> run(cl, config);
                default -> cleanup(config);
            };
        } catch (InvalidInputException e) {
            LOG.error(e.getMessage());
            return 2;
        } catch (SvcProxyException e) {
            LOG.error(e.getMessage());
            return 1;
        }
    }

    private static void usage(PrintStream to) {
        to.println("usage: svcproxy render --manifests PATH [--config FILE] [--ip-family IPv4|IPv6]");
        to.println("       svcproxy run (--manifests PATH | --kubeconfig FILE | in-cluster) [--config FILE] [--once]");
        to.println("       svcproxy cleanup [--config FILE]");
        to.println("       svcproxy demo [--connections N] [--mode iptables|ipvs|nftables]   (root: a Service in throw-away namespaces)");
        to.println("       svcproxy trace --src IP --dst IP:PORT [--proto tcp|udp|sctp] [--manifests PATH [--config FILE]]");
        to.println("       svcproxy --help | --version");
        to.println("each also takes kube-proxy's flags for configuration fields, e.g. --cluster-cidr, --masquerade-all,");
        to.println("--iptables-masquerade-bit, --nodeport-addresses, --iptables-sync-period, --proxy-mode (they override --config)");
        to.flush();
    }

    /** The project's version, from the resource the build filters ({@code version.properties}). */
    static String version() {
        try (java.io.InputStream in = Svcproxy.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(unknown version)");
        } catch (java.io.IOException e) {
            return "(unknown version)";
        }
    }

    /** A proxy that logs its progress and warnings through SLF4J; it owns {@code source}. */
    private static KubeProxy proxy(ProxyConfig config, ClusterSource source) {
        try {
            return KubeProxy.newBuilder().config(config).source(source).build();
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

    /** {@code --manifests PATH}, else the API server ({@code --kubeconfig FILE} or in-cluster credentials). */
    private ClusterSource source(CommandLine cl, ProxyConfig config) {
        if (cl.get("manifests").isPresent()) {
            if (cl.get("kubeconfig").isPresent()) {
                throw new InvalidInputException("give either --manifests or --kubeconfig, not both", "--kubeconfig");
            }
            return manifestSource(cl);
        }
        LOG.info("listing Services, EndpointSlices and Node {} from {} ...", config.nodeName(),
                cl.get("kubeconfig").map(k -> "the API server in " + k).orElse("the in-cluster API server"));
        return ClusterSource.apiServer(cl.get("kubeconfig").map(Path::of), config.nodeName(), config.configSyncPeriod());
    }

    private int render(CommandLine cl, ProxyConfig config) {
        List<IpFamily> families = cl.get("ip-family").map(f -> List.of(family(f))).orElse(List.of(IpFamily.values()));
        try (KubeProxy proxy = proxy(config, manifestSource(cl))) {
            Map<IpFamily, String> texts = proxy.render();
            for (IpFamily f : families) {
                if (cl.get("ip-family").isEmpty()) {
                    out.println("# " + f);
                }
                out.print(texts.get(f));
            }
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
        try (KubeProxy proxy = proxy(config, source(cl, config))) {
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
            LOG.error(e.getMessage());
            return 1;
        }
    }
}
