// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One object of a YAML configuration being read: typed getters that name the field ({@code
 * KubeProxyConfiguration.iptables.masqueradeBit}) in every error, and {@link #finish()}, which refuses the fields
 * nobody asked for.
 */
public final class ConfigFields {
    private final Map<?, ?> map;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    public ConfigFields(Map<?, ?> map, String path) {
        this.map = map;
        this.path = path;
    }

    private String at(String key) {
        return path + "." + key;
    }

    private Object raw(String key) {
        known.add(key);
        return map.get(key);
    }

    private InvalidInputException wrong(String key, Object v, String expected) {
        boolean quoted = v instanceof String t && (expected.startsWith("an integer") && t.matches("-?\\d+")
                || expected.equals("true or false") && (t.equals("true") || t.equals("false")));
        String found = quoted ? "the string '" + v + "' (a quoted value; write it without quotes)" : "'" + v + "'";
        return new InvalidInputException("expected " + expected + ", found " + found, at(key));
    }

    public String string(String key, String dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw wrong(key, v, "a string");
        }
        return v.toString();
    }

    public boolean bool(String key, boolean dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw wrong(key, v, "true or false");
        }
        return b;
    }

    public int integer(String key, int dflt, int min, int max) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() < min || n.longValue() > max) {
            throw wrong(key, v, "an integer " + min + "-" + max);
        }
        return n.intValue();
    }

    /** A number (integer or decimal) from {@code min} up. */
    public double number(String key, double dflt, double min) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || n.doubleValue() < min || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            throw wrong(key, v, min == -Double.MAX_VALUE ? "a number"
                    : "a number of at least " + (min == (long) min ? String.valueOf((long) min) : String.valueOf(min)));
        }
        return n.doubleValue();
    }

    public Duration duration(String key, Duration dflt) {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        try {
            Duration d = GoDuration.parse(v.toString());
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw wrong(key, v, "a duration such as 30s, 1m0s or 1h");
        }
    }

    public List<String> strings(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw wrong(key, v, "a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw wrong(key, o, "a list of strings");
            }
            out.add(s);
        }
        return out;
    }

    /** The nested object {@code key} (empty if absent). */
    public ConfigFields object(String key) {
        Object v = raw(key);
        if (v == null) {
            return new ConfigFields(Map.of(), at(key));
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw wrong(key, v, "an object");
        }
        return new ConfigFields(m, at(key));
    }

    /** A map of names to booleans (feature gates). */
    public Map<String, Boolean> booleans(String key) {
        ConfigFields o = object(key);
        Map<String, Boolean> out = new java.util.TreeMap<>();
        for (Object k : o.map.keySet()) {
            out.put(k.toString(), o.bool(k.toString(), false));
        }
        return out;
    }

    /** Accepts fields svcproxy reads past (they matter to other kube-proxy modes or platforms). */
    public void ignore(String... keys) {
        known.addAll(List.of(keys));
    }

    /** Refuses any field not asked for: a typo must not silently fall back to a default. */
    public void finish() {
        for (Object k : map.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                throw new InvalidInputException("unknown field (not in KubeProxyConfiguration v1alpha1)", at(String.valueOf(k)));
            }
        }
    }
}
