// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A large text's documents are converted on a second thread while the next are parsed: same result, same order. */
class ManifestReaderTest {

    private static String services(int n, int badAt) {
        return IntStream.range(0, n).mapToObj(i -> i == badAt
                ? "apiVersion: v1\nkind: Service\nmetadata: {name: svc-" + i + ", namespace: ns}\nspec: {ports: [{port: not-a-port}]}\n"
                : "apiVersion: v1\nkind: Service\nmetadata: {name: svc-" + i + ", namespace: ns}\n"
                + "spec: {clusterIP: 10.96.0." + (i % 250) + ", ports: [{name: http, port: 80}]}\n")
                .collect(Collectors.joining("---\n"));
    }

    @Test
    void aLargeTextKeepsItsDocumentsOrderAndItsProblems() {
        String yaml = services(600, 300);
        assertTrue(yaml.length() > 32 * 1024, "large enough to be converted beside the parse: " + yaml.length());
        KubeObjects o = ManifestReader.parse(yaml, "big.yaml");
        List<String> names = o.services().stream().map(Service::getMetadata).map(m -> m.getName()).toList();
        assertEquals(IntStream.range(0, 600).filter(i -> i != 300).mapToObj(i -> "svc-" + i).toList(), names);
        assertEquals(1, o.problems().size(), o.problems().toString());
        assertTrue(o.problems().get(0).toString().contains("ns/svc-300") && o.problems().get(0).toString().contains("big.yaml"),
                o.problems().toString());
    }

    @Test
    void aLargeTextThatIsNotValidYamlGivesNothingButItsProblem() {
        KubeObjects o = ManifestReader.parse(services(600, -1) + "---\nkind: [unclosed\n", "broken.yaml");
        assertEquals(List.of(), o.services());
        assertEquals(1, o.problems().size(), o.problems().toString());
        assertTrue(o.problems().get(0).toString().contains("not valid YAML"), o.problems().toString());
    }
}
