package dev.svcproxy.k8s;

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
 * {@code /metrics}, {@code /healthz} and {@code /proxyMode} on the metrics address (127.0.0.1:10249).
 */
public final class ProxyServers implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();
    private HttpServer healthz;
    private HttpServer metricsServer;

    /**
     * Starts both servers; an empty address disables that server (as kube-proxy), port 0 picks a free port, and a
     * bind failure names the address.
     */
    public static ProxyServers start(String healthzAddress, String metricsAddress, ProxyHealth health, Metrics metrics,
                                     Supplier<String> proxyMode) {
        ProxyServers s = new ProxyServers();
        try {
            s.healthz = s.bind(healthzAddress, "healthzBindAddress");
            if (s.healthz != null) {
                s.healthz.createContext("/healthz", ex -> health(ex, health, metrics, "kubeproxy_proxy_healthz_total"));
                s.healthz.createContext("/livez", ex -> health(ex, health, metrics, "kubeproxy_proxy_livez_total"));
            }
            HttpServer m = s.bind(metricsAddress, "metricsBindAddress");
            s.metricsServer = m;
            if (m != null) {
                m.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
                m.createContext("/healthz", ex -> reply(ex, 200, "text/plain; charset=utf-8", "ok"));
                m.createContext("/proxyMode", ex -> reply(ex, 200, "text/plain; charset=utf-8", proxyMode.get()));
            }
            s.servers.forEach(HttpServer::start);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private HttpServer bind(String address, String field) {
        if (address.isBlank()) {
            return null;
        }
        InetSocketAddress at;
        try {
            at = socketAddress(address);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid address '" + address + "': " + e.getMessage(), field);
        }
        try {
            HttpServer server = HttpServer.create(at, 16);
            servers.add(server);
            return server;
        } catch (IOException e) {
            throw new InvalidInputException("cannot listen on " + address + ": " + e.getMessage(), field);
        }
    }

    /** {@code ip:port} as {@link HostPort} reads it, and port 0 for any free port. */
    private static InetSocketAddress socketAddress(String address) {
        boolean anyPort = address.endsWith(":0");
        HostPort hp = HostPort.parse(anyPort ? address.substring(0, address.length() - 1) + "1" : address);
        return new InetSocketAddress(hp.ip().toString(), anyPort ? 0 : hp.port());
    }

    /** {@code /healthz and /livez on ADDRESS, /metrics and /proxyMode on ADDRESS} with the bound ports, or "disabled". */
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

    private static void health(HttpExchange ex, ProxyHealth health, Metrics metrics, String counter) throws IOException {
        boolean ok = health.healthy();
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

    /** The ports actually bound (useful when an address asked for port 0). */
    public List<Integer> ports() {
        return servers.stream().map(s -> s.getAddress().getPort()).toList();
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
    }
}
