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

    /** Starts both servers; a bind failure names the address. */
    public static ProxyServers start(String healthzAddress, String metricsAddress, ProxyHealth health, Metrics metrics,
                                     Supplier<String> proxyMode) {
        ProxyServers s = new ProxyServers();
        try {
            HttpServer hz = s.bind(healthzAddress, "healthzBindAddress");
            hz.createContext("/healthz", ex -> health(ex, health, metrics, "kubeproxy_proxy_healthz_total"));
            hz.createContext("/livez", ex -> health(ex, health, metrics, "kubeproxy_proxy_livez_total"));
            HttpServer m = s.bind(metricsAddress, "metricsBindAddress");
            m.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
            m.createContext("/healthz", ex -> reply(ex, 200, "text/plain; charset=utf-8", "ok"));
            m.createContext("/proxyMode", ex -> reply(ex, 200, "text/plain; charset=utf-8", proxyMode.get()));
            s.servers.forEach(HttpServer::start);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private HttpServer bind(String address, String field) {
        HostPort hp;
        try {
            hp = HostPort.parse(address);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid address '" + address + "': " + e.getMessage(), field);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(hp.ip().toString(), hp.port()), 16);
            servers.add(server);
            return server;
        } catch (IOException e) {
            throw new InvalidInputException("cannot listen on " + address + ": " + e.getMessage(), field);
        }
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
