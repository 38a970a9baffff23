// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import java.util.Set;

/**
 * A chain name: 1 to 28 characters (the kernel's limit), no whitespace, quotes or other characters
 * iptables-restore would split on, not starting with {@code -} or {@code !}, and not a target name.
 */
public record ChainName(String name) implements Comparable<ChainName> {
    /** The kernel's limit (XT_EXTENSION_MAXNAMELEN 29 minus the NUL). */
    public static final int MAX_LENGTH = 28;
    private static final Set<String> RESERVED = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE", "REJECT", "DNAT",
            "SNAT", "MASQUERADE", "MARK", "LOG", "CONNMARK", "NOTRACK", "CT", "TPROXY", "REDIRECT");

    /**
     * A chain name.
     *
     * @param name 1-28 characters, no whitespace, not a target's name
     * @throws dev.svcproxy.api.InvalidInputException otherwise
     */
    public ChainName {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("empty chain name", "chain");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidInputException("chain name is " + name.length() + " characters; the kernel allows "
                    + MAX_LENGTH, name);
        }
        if (!allowed(name) || name.startsWith("-") || name.startsWith("!")) {
            throw new InvalidInputException("chain name may only use letters, digits and _ . @ : + / - "
                    + "and may not start with - or !", name);
        }
        if (RESERVED.contains(name)) {
            throw new InvalidInputException("is a target name, not a chain name", name);
        }
    }

    private static boolean allowed(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "_.@:+/-".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * As the constructor.
     *
     * @param name the chain's name
     * @return the chain name
     */
    public static ChainName of(String name) {
        return new ChainName(name);
    }

    @Override
    public int compareTo(ChainName o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
