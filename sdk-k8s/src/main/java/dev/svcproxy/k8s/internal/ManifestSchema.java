// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * snakeyaml-engine's JSON schema (its default), with the type of a plain scalar decided without regular expressions
 * where that is simple: text that starts with a digit (a number or not, as the schema's {@code int} and {@code float}
 * patterns say), {@code null}, {@code true}, {@code false}, and text whose first character no pattern of the schema
 * starts with. The schema's resolver runs one pattern, and a last one for the empty text, for every scalar whose
 * first character has none: a manifest's every key and name. At 1,000 Services and their slices that was 70 MB of
 * the parse's 155 MB of garbage, and a cold proxy's first use of memory is not free (on this project's machine 0.45 s
 * for the first 100 MB of heap). Anything else ({@code -}, {@code .}, {@code $}, empty text) goes to the schema's own
 * resolver. {@code ManifestSchemaTest} holds both to the same answers.
 */
final class ManifestSchema implements Schema {
    static final ManifestSchema INSTANCE = new ManifestSchema();

    private final JsonSchema json = new JsonSchema();
    private final ScalarResolver resolver = this::resolve;

    private ManifestSchema() {
    }

    @Override
    public ScalarResolver getScalarResolver() {
        return resolver;
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
        return json.getSchemaTagConstructors();
    }

    Tag resolve(String value, Boolean implicit) {
        if (implicit && !value.isEmpty()) {
            char c = value.charAt(0);
            if (c >= '0' && c <= '9') {
                return number(value);
            }
            if (c == 'n') {
                return value.equals("null") ? Tag.NULL : Tag.STR;
            }
            if (c == 't' || c == 'f') {
                return value.equals("true") || value.equals("false") ? Tag.BOOL : Tag.STR;
            }
            if (c != '-' && c != '.' && c != '$' && c != '\0') {
                return Tag.STR;
            }
        }
        return json.getScalarResolver().resolve(value, implicit);
    }

    /**
     * A plain scalar starting with a digit: {@code int} if it is {@code 0|[1-9][0-9]*}, {@code float} if it is that
     * followed by an optional {@code .[0-9]*} and an optional {@code [eE][-+]?[0-9]+}, else text.
     */
    private static Tag number(String v) {
        int n = v.length();
        int i = 1;
        if (v.charAt(0) != '0') {
            i = digits(v, i);
        }
        if (i == n) {
            return Tag.INT;
        }
        if (v.charAt(i) == '.') {
            i = digits(v, i + 1);
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
                i++;
            }
            int from = i;
            i = digits(v, i);
            if (i == from) {
                return Tag.STR;
            }
        }
        return i == n ? Tag.FLOAT : Tag.STR;
    }

    /** The index after the digits of {@code v} from {@code i}. */
    private static int digits(String v, int i) {
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
