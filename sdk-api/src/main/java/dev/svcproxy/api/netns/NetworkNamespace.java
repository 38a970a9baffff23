// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.netns;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A named network namespace made with {@code ip netns add} and deleted by {@link #close()}. Its {@link #path()}
 * ({@code /run/netns/NAME}) is what clients take to program it. {@link #exec} runs a command inside it. Needs root.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;
    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * Makes a new namespace with its loopback up; fails if the name is taken.
     *
     * @param name the name
     * @return makes a new namespace with its loopback up
     */
    public static NetworkNamespace create(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new InvalidInputException("invalid namespace name", name);
        }
        run(List.of("ip", "netns", "add", name), true);
        NetworkNamespace ns = new NetworkNamespace(name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    /**
     * The name {@code ip netns} knows it by.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Where clients open it: {@code /run/netns/NAME}.
     *
     * @return the namespace's path
     */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    /**
     * Runs {@code argv} inside the namespace; returns its standard output; fails with its standard error.
     *
     * @param argv the command and its arguments
     * @return its standard output
     */
    public String exec(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(argv));
        return run(cmd, true);
    }

    /**
     * Starts a long-running command inside the namespace (a server, say); the caller destroys the process.
     *
     * @param argv the command and its arguments
     * @return the running process
     */
    public Process start(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(argv));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SvcProxyException("cannot start: " + e.getMessage(), String.join(" ", cmd), e);
        }
    }

    /**
     * Runs a shell command line inside the namespace.
     *
     * @param script the shell command line
     * @return its standard output
     */
    public String sh(String script) {
        return exec("sh", "-c", script);
    }

    /** Deletes the namespace (its interfaces go with it). */
    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name), false);
    }

    private static String run(List<String> cmd, boolean check) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SvcProxyException("timed out", String.join(" ", cmd));
            }
            if (check && p.exitValue() != 0) {
                throw new SvcProxyException("failed (exit " + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8).strip(), String.join(" ", cmd));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SvcProxyException("cannot run: " + e.getMessage(), String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SvcProxyException("interrupted", String.join(" ", cmd), e);
        }
    }
}
