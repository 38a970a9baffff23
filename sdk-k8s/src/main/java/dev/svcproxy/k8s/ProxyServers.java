// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.DaemonThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube-proxy's two HTTP endpoints: {@code /healthz} and {@code /livez} on the healthz address (0.0.0.0:10256), and
 * {@code /metrics} (Prometheus text, or OpenMetrics when asked), {@code /healthz}, {@code /proxyMode} and
 * {@code /configz} on the metrics address (127.0.0.1:10249).
 */
public final class ProxyServers implements AutoCloseable {
    /** How long kube-proxy waits before it tries again to listen on an address it could not bind. */
    static final long RETRY_SECONDS = 5;
    private final List<HttpServer> servers = new ArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService retries = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(DaemonThreads.named("svcproxy-bind-retry"));
    private volatile HttpServer healthz;
    private volatile HttpServer metricsServer;
    private volatile boolean closed;

    /**
     * Starts both servers; an empty address disables that server (as kube-proxy), port 0 picks a free port. An address
     * that does not parse is refused. One that cannot be bound (the port is taken) is, as kube-proxy's
     * {@code bindAddressHardFail}: fatal if {@code hardFail}, else reported to {@code warn} and tried again every
     * {@value #RETRY_SECONDS} s while the servers are open. {@code configz} is kube-proxy's {@code /configz} JSON.
     *
     * @param healthzAddress {@code HOST:PORT} for {@code /healthz} and {@code /livez}, empty for none
     * @param metricsAddress {@code HOST:PORT} for {@code /metrics}, empty for none
     * @param health the proxy's health
     * @param metrics the metrics
     * @param proxyMode what {@code /proxyMode} answers
     * @param configz what {@code /configz} answers
     * @param hardFail whether a port that cannot be bound is fatal
     * @param warn where a bind failure is reported
     * @return the servers; close them to stop
     */
    public static ProxyServers start(String healthzAddress, String metricsAddress, ProxyHealth health, Metrics metrics,
                                     Supplier<String> proxyMode, Supplier<String> configz, boolean hardFail,
                                     java.util.function.Consumer<String> warn) {
        ProxyServers s = new ProxyServers();
        try {
            s.serve(healthzAddress, "healthzBindAddress", hardFail, warn, server -> {
                server.createContext("/healthz", ex -> health(ex, health.healthzOk(), health, metrics, "kubeproxy_proxy_healthz_total"));
                server.createContext("/livez", ex -> health(ex, health.healthy(), health, metrics, "kubeproxy_proxy_livez_total"));
                s.healthz = server;
            });
            s.serve(metricsAddress, "metricsBindAddress", hardFail, warn, server -> {
                server.createContext("/metrics", ex -> {
                    Metrics.Scrape scrape = metrics.scrape(ex.getRequestHeaders().getFirst("Accept"));
                    reply(ex, 200, scrape.contentType(), scrape.body());
                });
                server.createContext("/configz", ex -> reply(ex, 200, "application/json", configz.get()));
                server.createContext("/healthz", ex -> reply(ex, 200, "text/plain; charset=utf-8", "ok"));
                server.createContext("/proxyMode", ex -> reply(ex, 200, "text/plain; charset=utf-8", proxyMode.get()));
                s.metricsServer = server;
            });
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Binds {@code address} and starts it with {@code handlers}, or retries later (see {@link #start}). */
    private void serve(String address, String field, boolean hardFail, java.util.function.Consumer<String> warn,
                       java.util.function.Consumer<HttpServer> handlers) {
        if (address.isBlank()) {
            return;
        }
        InetSocketAddress at;
        try {
            at = socketAddress(address);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid address '" + address + "': " + e.getMessage(), field);
        }
        try {
            HttpServer server = HttpServer.create(at, 16);
            handlers.accept(server);
            synchronized (servers) {
                if (closed) {
                    return;
                }
                servers.add(server);
                server.start();
            }
        } catch (IOException e) {
            String message = "cannot listen on " + address + ": " + e.getMessage();
            if (hardFail) {
                throw new InvalidInputException(message + " (bindAddressHardFail)", field);
            }
            warn.accept(field + ": " + message + "; trying again in " + RETRY_SECONDS + " s");
            if (!closed) {
                retries.schedule(() -> serve(address, field, false, warn, handlers), RETRY_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /** {@code ip:port} as {@link HostPort} reads it, and port 0 for any free port. */
    private static InetSocketAddress socketAddress(String address) {
        boolean anyPort = address.endsWith(":0");
        HostPort hp = HostPort.parse(anyPort ? address.substring(0, address.length() - 1) + "1" : address);
        return new InetSocketAddress(hp.ip().toString(), anyPort ? 0 : hp.port());
    }

    /**
     * {@code /healthz and /livez on ADDRESS, /metrics and /proxyMode on ADDRESS} with the bound ports, or "disabled".
     *
     * @return {@code /healthz and /livez on ADDRESS, /metrics and /proxyMode on ADDRESS} with the bound ports, or "disabled"
     */
    public String describe() {
        return "/healthz and /livez on " + where(healthz) + ", /metrics and /proxyMode on " + where(metricsServer);
    }

    private static String where(HttpServer s) {
        if (s == null) {
            return "nothing (disabled)";
        }
        InetSocketAddress a = s.getAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void health(HttpExchange ex, boolean ok, ProxyHealth health, Metrics metrics, String counter) throws IOException {
        metrics.inc(counter, "code", ok ? "200" : "503");
        ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
        reply(ex, ok ? 200 : 503, "application/json", health.body());
    }

    private static void reply(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    /**
     * The ports actually bound (useful when an address asked for port 0).
     *
     * @return the ports actually bound (useful when an address asked for port 0)
     */
    public List<Integer> ports() {
        synchronized (servers) {
            return servers.stream().map(s -> s.getAddress().getPort()).toList();
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        synchronized (servers) {
            closed = true;
            servers.forEach(s -> s.stop(0));
        }
    }
}
