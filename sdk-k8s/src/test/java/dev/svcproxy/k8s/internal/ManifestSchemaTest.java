// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.JsonScalarResolver;

/** {@link ManifestSchema} types every scalar as snakeyaml-engine's JSON schema does. */
class ManifestSchemaTest {
    private static final JsonScalarResolver JSON = new JsonScalarResolver();

    @Test
    void typesTheCommonScalarsAsTheJsonSchema() {
        for (String v : List.of("", "0", "00", "01", "1", "10", "80", "65535", "2147483648", "1.5", "1.", "0.5", "00.5",
                "1e5", "1E+5", "1e-5", "1e", "1e+", "1.5e3", "1.5e3x", "10.96.0.1", "10.128.0.0/16", "fd00::1", "1a",
                "-1", "-0", "-1.5", "-.inf", ".inf", ".nan", ".5", "-", "null", "nul", "nulls", "Null", "~", "true",
                "false", "tru", "falsey", "True", "name", "namespace", "nodeName", "svc-0", "Service", "v1",
                "discovery.k8s.io/v1", "${HOME}", "$x", "apiVersion", "kubernetes.io/service-name", " ", "\u0000")) {
            assertEquals(JSON.resolve(v, true), ManifestSchema.INSTANCE.resolve(v, true), v);
            assertEquals(JSON.resolve(v, false), ManifestSchema.INSTANCE.resolve(v, false), v);
        }
    }

    @Test
    void typesRandomTextAsTheJsonSchema() {
        Random r = new Random(17);
        String alphabet = "0123456789.-+eExnultrfas$ ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int len = 1 + r.nextInt(8); b.length() < len; ) {
                b.append(alphabet.charAt(r.nextInt(i % 2 == 0 ? 12 : alphabet.length())));
            }
            String v = b.toString();
            assertEquals(JSON.resolve(v, true), ManifestSchema.INSTANCE.resolve(v, true), v);
        }
    }

    @Test
    void aDocumentLoadsToTheSameValues() {
        String yaml = "a: 1\nb: 1.5\nc: 10.0.0.1\nd: null\ne: true\nf: \"80\"\ng: 0x10\nh: -1\ni: [1e3, x, '', ~]\n";
        Object fast = new Load(LoadSettings.builder().setSchema(ManifestSchema.INSTANCE).build()).loadFromString(yaml);
        Object json = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        assertEquals(json, fast);
        assertEquals(1, ((Map<?, ?>) fast).get("a"));
        assertEquals("10.0.0.1", ((Map<?, ?>) fast).get("c"));
        assertEquals(Tag.STR, ManifestSchema.INSTANCE.resolve("10.0.0.1", true));
    }
}
