// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.samples.cli.MockApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SourceLatencyBench} with its objects from an API server (tag {@code bench}, never in CI; root, for the
 * namespace the rules go into): fabric8's mock API server in this JVM holds N Services and their EndpointSlices
 * ({@code -Dbench.services}, 1000); the proxy, in this JVM too, watches it through its informers; each change is one
 * EndpointSlice edited through the API (one endpoint moved, the trigger-time annotation set), timed until the proxy's
 * own programming-latency histogram has observed it. The server's work (the edit, the watch event) runs on the same two
 * cores as the proxy. Run after a build: {@code mvn -o -pl samples surefire:test@bench -Dtest=ApiSourceLatencyBenchTest}.
 * The report goes to {@code target/api-latency-report.txt}.
 */
@Tag("bench")
class ApiSourceLatencyBenchTest {
    private static final int SERVICES = Integer.getInteger("bench.services", 1000);
    private static final int CHANGES = Integer.getInteger("bench.changes", 30);

    @Test
    void programsAnEndpointSliceEditedThroughTheApi(@TempDir Path dir) throws Exception {
        KubernetesMockServer server = BenchApiServer.start(SERVICES);
        try (KubernetesClient admin = server.createClient()) {
            Path kubeconfig = MockApiServer.kubeconfig(dir, "http://127.0.0.1:" + server.getPort());
            String report = SourceLatencyBench.measure(ClusterSource.apiServer(Optional.of(kubeconfig), "node-a", Duration.ZERO),
                    "API server", SERVICES, CHANGES, System.getProperty("bench.mode", "iptables"), (i, shift, annotations) -> {
                        EndpointSlice wanted = (EndpointSlice) BenchApiServer.objects(admin, MemoryBench.service(i, shift, annotations))
                                .stream().filter(o -> o instanceof EndpointSlice).findFirst().orElseThrow();
                        admin.discovery().v1().endpointSlices().inNamespace(wanted.getMetadata().getNamespace())
                                .withName(wanted.getMetadata().getName()).edit(s -> {
                                    s.setEndpoints(wanted.getEndpoints());
                                    s.getMetadata().setAnnotations(wanted.getMetadata().getAnnotations());
                                    return s;
                                });
                    });
            Files.writeString(Path.of("target/api-latency-report.txt"), report);
            assertTrue(report.contains(CHANGES + " changes of one endpoint"), report);
        } finally {
            server.destroy();
        }
    }
}
