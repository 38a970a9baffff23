// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.samples.cli.MockApiServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MemoryBench} with its objects from an API server (tag {@code bench}, never in CI; no root, nothing leaves
 * loopback): fabric8's mock API server in this JVM is filled with N Services and their EndpointSlices (as the bench's
 * manifest holds them, {@code -Dbench.services}, 1000), then the bench runs in a JVM of its own ({@code
 * -Dbench.javaOpts}, {@code -XX:+UseSerialGC -Xmx256m}) from the distribution's module path, connected through a
 * kubeconfig, so its heap holds the proxy and its informers' caches and nothing of the server's. Run after a build:
 * {@code mvn -o -pl samples surefire:test@bench -Dtest=ApiMemoryBenchTest}. The report goes to {@code target/api-memory-report.txt}.
 */
@Tag("bench")
class ApiMemoryBenchTest {
    private static final int SERVICES = Integer.getInteger("bench.services", 1000);
    private static final String JAVA_OPTS = System.getProperty("bench.javaOpts", "-XX:+UseSerialGC -Xmx256m");

    @Test
    void buildsEveryServiceOfTheApiServerAndReportsItsMemory(@TempDir Path dir) throws Exception {
        KubernetesMockServer server = BenchApiServer.start(SERVICES);
        try {
            Path kubeconfig = MockApiServer.kubeconfig(dir, "http://127.0.0.1:" + server.getPort());
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(List.of(JAVA_OPTS.split(" ")));
            command.addAll(List.of("-p", Path.of("target/svcproxy/lib").toAbsolutePath().toString(), "--add-modules", "ALL-MODULE-PATH",
                    "-m", "dev.svcproxy.samples/dev.svcproxy.samples.bench.MemoryBench", String.valueOf(SERVICES), "iptables",
                    "--kubeconfig", kubeconfig.toString()));
            Path out = dir.resolve("bench.out");
            Process bench = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(bench.waitFor(10, TimeUnit.MINUTES), "the bench within 10 minutes");
            String report = Files.readString(out);
            System.out.print(report);
            Files.writeString(Path.of("target/api-memory-report.txt"), String.join(" ", command) + "\n" + report);
            assertEquals(0, bench.exitValue(), report);
            assertTrue(report.contains("built " + SERVICES + " services"), "every Service of the API server in the proxy's table: " + report);
        } finally {
            server.destroy();
        }
    }
}
