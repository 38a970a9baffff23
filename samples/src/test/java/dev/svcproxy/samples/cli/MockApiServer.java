// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import dev.svcproxy.api.netns.NetworkNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's mock API server (CRUD, with watches) on the host's loopback, reachable from inside a node namespace at
 * {@code http://127.0.0.1:6443} through a Unix socket (socket files are not per network namespace), so no packet
 * leaves either loopback. {@link #restart()} stops it and starts a new server on the same port with the same objects:
 * the proxy's watches break and must recover.
 */
public final class MockApiServer implements AutoCloseable {
    /** The mock server logs every request through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        quiet();
    }

    /** Only the mock server's warnings are logged, not every request (for a mock server made elsewhere too). */
    public static void quiet() {
        QUIET.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesCrudDispatcher objects = new KubernetesCrudDispatcher();
    private final Path socket;
    private KubernetesMockServer server;
    private Process hostSide;
    private final Process nodeSide;
    private final int port;
    private boolean running = true;

    MockApiServer(NetworkNamespace node, Path dir) throws IOException {
        this.socket = dir.resolve("api.sock");
        this.server = start(0);
        this.port = server.getPort();
        this.hostSide = bridge();
        node.exec("ip", "link", "set", "lo", "up");
        this.nodeSide = node.start("socat", "TCP-LISTEN:6443,bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket);
    }

    private KubernetesMockServer start(int onPort) {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), objects, false);
        if (onPort == 0) {
            s.init();
        } else {
            s.init(InetAddress.getLoopbackAddress(), onPort);
        }
        return s;
    }

    private Process bridge() throws IOException {
        Files.deleteIfExists(socket);
        return new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork", "TCP:127.0.0.1:" + port).redirectErrorStream(true).start();
    }

    /** A client for the test's own writes (host side). */
    KubernetesClient admin() {
        return server.createClient();
    }

    /** A kubeconfig file for the proxy in the node namespace. */
    Path kubeconfig(Path dir) {
        return kubeconfig(dir, "http://127.0.0.1:6443");
    }

    /** A kubeconfig file {@code dir/kubeconfig} for the API server at {@code server}, with a token. */
    public static Path kubeconfig(Path dir, String server) {
        Path k = dir.resolve("kubeconfig");
        try {
            Files.writeString(k, "apiVersion: v1\nkind: Config\nclusters: [{name: mock, cluster: {server: '" + server + "'}}]\n"
                    + "users: [{name: proxy, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: mock, user: proxy}}]\n"
                    + "current-context: c\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return k;
    }

    /**
     * A kubeconfig as kubeadm writes kube-proxy's ({@code kubeconfig.conf} in its ConfigMap): the server by address
     * (not a Service IP), and the ServiceAccount token by file ({@code tokenFile}), here {@code token} in {@code dir}.
     */
    Path kubeadmKubeconfig(Path dir, String token) {
        Path k = dir.resolve("kubeconfig.conf");
        try {
            Files.writeString(dir.resolve("token"), token + "\n");
            Files.writeString(k, "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: http://127.0.0.1:6443\n  name: default\n"
                    + "contexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\n"
                    + "current-context: default\nusers:\n- name: default\n  user:\n    tokenFile: " + dir.resolve("token") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return k;
    }

    /** The {@code Authorization} headers of the requests received since the last call. */
    java.util.List<String> authorizations() throws InterruptedException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (io.fabric8.mockwebserver.http.RecordedRequest r; (r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) != null; ) {
            out.add(String.valueOf(r.getHeader("Authorization")));
        }
        return out;
    }

    /** The server goes away: connections are refused until {@link #startAgain()}. */
    void stop() {
        if (running) {
            running = false;
            server.destroy();
            hostSide.destroyForcibly();
        }
    }

    /** A new server on the same port, holding the same objects. */
    void startAgain() throws IOException {
        server = start(port);
        hostSide = bridge();
        running = true;
    }

    @Override
    public void close() {
        nodeSide.destroyForcibly();
        stop();
    }
}
