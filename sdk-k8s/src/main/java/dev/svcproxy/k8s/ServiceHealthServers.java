// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import com.sun.net.httpserver.HttpServer;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.netlink.netns.InNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * kube-proxy's per-service health checks: one HTTP server on each {@code healthCheckNodePort} (services of type
 * LoadBalancer with externalTrafficPolicy Local). It answers 200 while this node has a ready local endpoint and the
 * proxy is healthy, else 503; the body and the {@code X-Load-Balancing-Endpoint-Weight} header give the count.
 */
public final class ServiceHealthServers implements AutoCloseable {
    private record Target(String namespace, String name, int localEndpoints) {
    }

    private final BooleanSupplier proxyHealthy;
    private final Consumer<String> log;
    private final Optional<Path> netns;
    private final Map<Integer, HttpServer> servers = new HashMap<>();
    private volatile Map<Integer, Target> targets = Map.of();

    /**
     * Health-check servers in the JVM's own network namespace.
     *
     * @param proxyHealthy whether the proxy itself is healthy (kube-proxy answers 503 for every service otherwise)
     * @param log where to report a port that cannot be bound
     */
    public ServiceHealthServers(BooleanSupplier proxyHealthy, Consumer<String> log) {
        this(proxyHealthy, log, Optional.empty());
    }

    /**
     * Servers listening inside {@code netns} (where the node ports are), or in this process's namespace when empty:
     * each socket is opened by a thread that entered the namespace.
     *
     * @param proxyHealthy whether the proxy itself is healthy
     * @param log where a port that cannot be bound is reported
     * @param netns the network namespace's path
     */
    public ServiceHealthServers(BooleanSupplier proxyHealthy, Consumer<String> log, Optional<Path> netns) {
        this.proxyHealthy = proxyHealthy;
        this.log = log;
        this.netns = netns;
    }

    /**
     * Opens, keeps and closes servers for the health-check node ports of {@code tables} (all families).
     *
     * @param tables the desired state of each family
     */
    public synchronized void sync(List<ServiceTable> tables) {
        Map<Integer, Target> next = new HashMap<>();
        Map<Integer, Set<String>> local = new HashMap<>();
        for (ServiceTable t : tables) {
            for (VirtualService v : t.services()) {
                if (v.healthCheckNodePort() == 0) {
                    continue;
                }
                Set<String> eps = local.computeIfAbsent(v.healthCheckNodePort(), k -> new TreeSet<>());
                v.localEndpoints().stream().filter(Endpoint::ready).forEach(e -> eps.add(e.toString()));
                next.put(v.healthCheckNodePort(), new Target(v.name().namespace(), v.name().name(), eps.size()));
            }
        }
        targets = next;
        for (Integer port : new ArrayList<>(servers.keySet())) {
            if (!next.containsKey(port)) {
                servers.remove(port).stop(0);
            }
        }
        for (Integer port : next.keySet()) {
            if (!servers.containsKey(port)) {
                try {
                    HttpServer s = listen(port);
                    s.createContext("/", ex -> {
                        Target t = targets.get(port);
                        int n = t == null ? 0 : t.localEndpoints();
                        boolean healthy = proxyHealthy.getAsBoolean();
                        byte[] body = body(t, n, healthy).getBytes(StandardCharsets.UTF_8);
                        ex.getResponseHeaders().add("Content-Type", "application/json");
                        ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
                        ex.getResponseHeaders().add("X-Load-Balancing-Endpoint-Weight", String.valueOf(n));
                        ex.sendResponseHeaders(n > 0 && healthy ? 200 : 503, body.length);
                        try (OutputStream o = ex.getResponseBody()) {
                            o.write(body);
                        }
                    });
                    s.start();
                    servers.put(port, s);
                } catch (UncheckedIOException e) {
                    Target t = next.get(port);
                    log.accept("Service " + t.namespace() + "/" + t.name() + ": cannot serve its health check on port " + port
                            + ": " + e.getCause().getMessage());
                }
            }
        }
    }

    private HttpServer listen(int port) {
        return InNamespace.call(netns, () -> {
            try {
                return HttpServer.create(new InetSocketAddress(port), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** kube-proxy's body, tab-indented. */
    static String body(Target t, int n, boolean healthy) {
        return "{\n\t\"service\": {\n\t\t\"namespace\": \"" + (t == null ? "" : t.namespace()) + "\",\n\t\t\"name\": \""
                + (t == null ? "" : t.name()) + "\"\n\t},\n\t\"localEndpoints\": " + n + ",\n\t\"serviceProxyHealthy\": "
                + healthy + "\n}";
    }

    /**
     * The ports being served.
     *
     * @return the ports being served
     */
    public synchronized Set<Integer> ports() {
        return new TreeSet<>(servers.keySet());
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(s -> s.stop(0));
        servers.clear();
    }
}
