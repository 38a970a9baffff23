// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;

/** The kernel's rules for object names (NFT_NAME_MAXLEN: 256 bytes with the terminating NUL). */
final class Names {
    static final int MAX_BYTES = 255;

    private Names() {
    }

    static String check(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("a " + what + " name must not be empty", what);
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidInputException("is longer than the kernel's " + MAX_BYTES + "-byte limit for a " + what + " name",
                    what + " " + name.substring(0, 32) + "...");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"') {
                throw new InvalidInputException("a " + what + " name must not hold control characters or quotes", what + " " + name);
            }
        }
        return name;
    }

    /** A name as {@code nft} prints it: bare when it is an identifier, quoted otherwise. */
    static String print(String name) {
        return BARE.matcher(name).matches() && !KEYWORDS.contains(name) ? name : "\"" + name + "\"";
    }

    private static final java.util.regex.Pattern BARE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");

    /** {@code nft} keywords that cannot be bare names. */
    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("table", "chain", "set", "map", "rule",
            "element", "elements", "type", "flags", "timeout", "comment", "policy", "hook", "priority", "counter");

    /** A comment as {@code nft} prints it. */
    static String quote(String text) {
        return "\"" + text + "\"";
    }

    static String comment(String text) {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 127) {
            throw new InvalidInputException("is longer than the 127-byte comment limit", "comment " + text);
        }
        if (text.indexOf('"') >= 0 || text.chars().anyMatch(c -> c < 0x20)) {
            throw new InvalidInputException("a comment must not hold quotes or control characters", "comment " + text);
        }
        return text;
    }
}
