// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import java.util.List;

/**
 * What the installed iptables can do: its version, whether MASQUERADE knows {@code --random-fully} (1.6.2+), and
 * the lock-wait flags kube-proxy passes ({@code -w 5 -W 100000} from 1.6.1, {@code -w 5} from 1.4.22, {@code -w}).
 */
public record Capabilities(String version, boolean randomFully, List<String> waitFlags) {

    /**
     * Capabilities; {@code waitFlags} is copied.
     *
     * @param waitFlags the lock-wait flags to pass
     * @param version e.g. {@code 1.8.9}, e.g. {@code 1.8.9}
     * @param randomFully whether MASQUERADE takes {@code --random-fully}
     */
    public Capabilities {
        waitFlags = List.copyOf(waitFlags);
    }

    /**
     * Derives the capabilities from a version such as {@code 1.8.9}.
     *
     * @param version e.g. {@code 1.8.9}
     * @return the capabilities
     */
    public static Capabilities forVersion(String version) {
        int n = number(version);
        List<String> wait = n >= 10601 ? List.of("-w", "5", "-W", "100000") : n >= 10422 ? List.of("-w", "5")
                : n >= 10420 ? List.of("-w") : List.of();
        return new Capabilities(version, n >= 10602, wait);
    }

    /**
     * Whether this iptables is {@code major.minor.patch} or later.
     *
     * @param major e.g. 1
     * @param minor e.g. 8
     * @param patch e.g. 5
     * @return whether {@link #version()} is that version or a later one
     */
    public boolean atLeast(int major, int minor, int patch) {
        return number(version) >= major * 10000 + minor * 100 + patch;
    }

    private static int number(String version) {
        int[] v = java.util.Arrays.stream(version.split("\\.")).mapToInt(s -> Integer.parseInt(s.replaceAll("\\D.*", "0"))).toArray();
        return v[0] * 10000 + (v.length > 1 ? v[1] : 0) * 100 + (v.length > 2 ? v[2] : 0);
    }
}
