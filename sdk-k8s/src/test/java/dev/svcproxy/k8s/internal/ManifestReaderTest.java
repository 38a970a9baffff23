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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A large text is read in parts on several threads: same objects, same order, same problems, same error lines. */
class ManifestReaderTest {

    private static String services(int n, int badAt) {
        return IntStream.range(0, n).mapToObj(i -> i == badAt
                ? "apiVersion: v1\nkind: Service\nmetadata: {name: svc-" + i + ", namespace: ns}\nspec: {ports: [{port: not-a-port}]}\n"
                : "apiVersion: v1\nkind: Service\nmetadata: {name: svc-" + i + ", namespace: ns}\n"
                + "spec: {clusterIP: 10.96.0." + (i % 250) + ", ports: [{name: http, port: 80}]}\n")
                .collect(Collectors.joining("---\n"));
    }

    @ParameterizedTest(name = "{0} services")
    @ValueSource(ints = {600, 12_000}) // converted beside the parse; read in parts
    void aLargeTextKeepsItsDocumentsOrderAndItsProblems(int n) {
        String yaml = services(n, n - 100);
        assertEquals(n > 600 ? 2 : 1, ManifestReader.parts(yaml, 2).size(), "parts of a text of " + yaml.length());
        KubeObjects o = ManifestReader.parse(yaml, "big.yaml");
        List<String> names = o.services().stream().map(Service::getMetadata).map(m -> m.getName()).toList();
        assertEquals(IntStream.range(0, n).filter(i -> i != n - 100).mapToObj(i -> "svc-" + i).toList(), names);
        assertEquals(1, o.problems().size(), o.problems().toString());
        assertTrue(o.problems().get(0).toString().contains("ns/svc-" + (n - 100)) && o.problems().get(0).toString().contains("big.yaml"),
                o.problems().toString());
    }

    @Test
    void aTextIsCutOnlyBeforeDocumentMarkersAndNeverWithDirectives() {
        String yaml = services(24_000, -1).replace("apiVersion: v1\nkind: Service\nmetadata: {name: svc-2000,",
                "apiVersion: v1\nkind: Service\nmetadata: {name: svc-2000, note: \"---x\",");
        List<String> parts = ManifestReader.parts(yaml, 4);
        assertEquals(4, parts.size());
        assertEquals(yaml, String.join("", parts));
        for (String part : parts.subList(1, parts.size())) {
            assertTrue(part.startsWith("---\n"), part.substring(0, 20));
            assertTrue(part.length() >= ManifestReader.PART_FROM, "no part is shorter than " + ManifestReader.PART_FROM);
        }
        String directive = "%YAML 1.2\n---\n" + yaml;
        assertEquals(List.of(directive), ManifestReader.parts(directive, 4), "a directive: read whole");
        assertEquals(List.of(yaml), ManifestReader.parts(yaml, 1));
        String small = services(10, -1);
        assertEquals(List.of(small), ManifestReader.parts(small, 4));
    }

    @ParameterizedTest(name = "{0} services")
    @ValueSource(ints = {600, 12_000})
    void aLargeTextThatIsNotValidYamlGivesNothingButItsProblemNamingTheLineInTheWholeText(int n) {
        String good = services(n, -1);
        int line = (int) good.lines().count() + 3; // after the good documents, an empty line and the marker
        KubeObjects o = ManifestReader.parse(good + "\n---\nkind: [unclosed\n", "broken.yaml");
        assertEquals(List.of(), o.services());
        assertEquals(1, o.problems().size(), o.problems().toString());
        String problem = o.problems().get(0).toString();
        assertTrue(problem.contains("not valid YAML") && problem.contains("line " + line), problem);
    }
}
