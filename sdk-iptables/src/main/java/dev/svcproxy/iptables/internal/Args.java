// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of one rule as iptables-restore reads them. {@link #quoted} words are wrapped in double quotes when
 * they need it (always in save style, as iptables-save does), with {@code "}, {@code '} and {@code \} escaped.
 */
public final class Args {
    private final boolean saveStyle;
    private final IpFamily family;
    private final StringBuilder sb;
    private final int start;

    public Args(boolean saveStyle, IpFamily family) {
        this(saveStyle, family, new StringBuilder(128));
    }

    /** Appends the words to {@code out} (after what it already holds). */
    public Args(boolean saveStyle, IpFamily family, StringBuilder out) {
        this.saveStyle = saveStyle;
        this.family = family;
        this.sb = out;
        this.start = out.length();
    }

    /** The family of the rules being written (some defaults iptables-save prints depend on it). */
    public IpFamily family() {
        return family;
    }

    /** True when rendering as iptables-save prints (kernel-normalised), false for iptables-restore input. */
    public boolean saveStyle() {
        return saveStyle;
    }

    public Args add(String... words) {
        for (String w : words) {
            if (sb.length() > start) {
                sb.append(' ');
            }
            sb.append(w);
        }
        return this;
    }

    public Args negated(boolean negated) {
        return negated ? add("!") : this;
    }

    /** A free-text word such as a comment. */
    public Args quoted(String text) {
        boolean plain = !saveStyle && !text.isEmpty();
        for (int i = 0; plain && i < text.length(); i++) {
            char c = text.charAt(i);
            plain = c > ' ' && c != '"' && c != '\'' && c != '\\' && c != 0x7f;
        }
        if (plain) {
            return add(text);
        }
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return add(q.append('"').toString());
    }

    @Override
    public String toString() {
        return sb.substring(start);
    }

    /**
     * Splits a rule line into words as iptables-restore does: whitespace separates, double or single quotes group,
     * a backslash escapes the next character.
     */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote");
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
