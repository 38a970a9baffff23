// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.samples.cli.MockApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/** fabric8's mock API server (CRUD, with watches) on loopback, holding Node {@code node-a} and the benches' Services. */
final class BenchApiServer {

    private BenchApiServer() {
    }

    /**
     * A started server holding Node {@code node-a} and {@code services} Services, each with its EndpointSlice of 10
     * endpoints, as {@link MemoryBench#service} writes them; the caller destroys it.
     */
    static KubernetesMockServer start(int services) {
        MockApiServer.quiet();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient admin = server.createClient()) {
            admin.resource(admin.getKubernetesSerialization().unmarshal("apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                    + "status: {addresses: [{type: InternalIP, address: 192.168.77.1}]}\n", HasMetadata.class)).create();
            for (int i = 0; i < services; i++) {
                for (HasMetadata o : objects(admin, MemoryBench.service(i, 0, ""))) {
                    admin.resource(o).create();
                }
            }
        } catch (RuntimeException e) {
            server.destroy();
            throw e;
        }
        return server;
    }

    /** The objects of a YAML text of several documents. */
    static java.util.List<HasMetadata> objects(KubernetesClient client, String yaml) {
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }
}
