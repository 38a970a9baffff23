// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

/**
 * An object svcproxy skipped or could not fully use, and why; the rest is still programmed. {@link #toString()}
 * is the log line: {@code Service default/web: invalid externalIP '10.0.0.300': ...}, with every control character
 * of the (untrusted) text escaped, so that a name holding a newline cannot forge a log line.
 */
public record Problem(String kind, String object, String message) {

    @Override
    public String toString() {
        return escape(kind + " " + object + ": " + message);
    }

    /**
     * Newline, carriage return and tab as backslash escapes, other control characters as a backslash-u escape.
     *
     * @param text the text
     * @return the escaped text
     */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
