// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's duration text ({@code 30s}, {@code 1m0s}, {@code 1h30m}, {@code 500ms}, {@code 0}), as Kubernetes configs use. */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");

    private GoDuration() {
    }

    /** The duration, or empty-handed {@link IllegalArgumentException} with the reason. */
    public static Duration parse(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        long nanos = 0;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us", "µs" -> 1_000L;
                default -> 1L;
            };
            nanos += Math.round(v * unit);
            at = m.end();
        }
        if (at != t.length() || t.isEmpty()) {
            throw new IllegalArgumentException("not a duration (expected e.g. 30s, 1m0s, 1h, 500ms)");
        }
        return Duration.ofNanos(nanos);
    }

    /** Go's {@code Duration.String()}: {@code 0s}, {@code 500ms}, {@code 30s}, {@code 15m0s}, {@code 24h0m0s}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos % 1_000 == 0 ? nanos / 1_000 + "µs" : nanos + "ns";
        }
        long h = nanos / 3_600_000_000_000L;
        long m = nanos / 60_000_000_000L % 60;
        long sNanos = nanos % 60_000_000_000L;
        String s = java.math.BigDecimal.valueOf(sNanos, 9).stripTrailingZeros().toPlainString() + "s";
        return h > 0 ? h + "h" + m + "m" + s : m > 0 ? m + "m" + s : s;
    }
}
