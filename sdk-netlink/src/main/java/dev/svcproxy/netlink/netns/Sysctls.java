// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.netns;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.PermissionDeniedException;
import dev.svcproxy.api.SvcProxyException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sysctls of one network namespace, by their dotted names ({@code net.ipv4.conf.all.route_localnet}). The
 * {@code net.*} ones are per namespace: they are read and written from inside it ({@link InNamespace}), so a proxy
 * programming another namespace never changes the host's. A few (e.g. {@code net.netfilter.nf_conntrack_max})
 * are global and refuse writes from a namespace other than the first.
 */
public final class Sysctls {
    private final Optional<Path> netns;

    private Sysctls(Optional<Path> netns) {
        this.netns = netns;
    }

    /**
     * The sysctls of {@code netns}, or of this process's namespace when it is empty.
     *
     * @param netns the namespace's path, if any
     * @return the sysctls
     */
    public static Sysctls in(Optional<Path> netns) {
        return new Sysctls(netns);
    }

    private static Path path(String name) {
        if (!name.matches("[a-z0-9_]+(\\.[A-Za-z0-9_-]+)+")) {
            throw new InvalidInputException("not a sysctl name", name);
        }
        return Path.of("/proc/sys", name.replace('.', '/'));
    }

    /**
     * The value of {@code name}, stripped; empty if this kernel has no such sysctl.
     *
     * @param name e.g. {@code net/ipv4/conf/all/route_localnet}
     * @return the value, if the sysctl exists
     */
    public Optional<String> get(String name) {
        Path p = path(name);
        return InNamespace.call(netns, () -> {
            try {
                return Optional.of(Files.readString(p).strip());
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new SvcProxyException("cannot read: " + e.getMessage(), name, e);
            }
        });
    }

    /**
     * Sets {@code name} to {@code value} unless it has it already; throws naming the sysctl when refused.
     *
     * @param name the sysctl's name
     * @param value the value
     */
    public void set(String name, String value) {
        Path p = path(name);
        InNamespace.call(netns, () -> {
            try {
                if (!Files.readString(p).strip().equals(value)) {
                    Files.writeString(p, value);
                }
                return null;
            } catch (AccessDeniedException e) {
                throw new PermissionDeniedException("cannot set to " + value + ": permission denied", name);
            } catch (IOException e) {
                throw new SvcProxyException("cannot set to " + value + ": " + e.getMessage(), name, e);
            }
        });
    }

    /**
     * {@link #trySet(String, long)} for each entry, in order; the warnings of those refused.
     *
     * @param values values by sysctl name
     * @return the warnings, one per refusal
     */
    public List<String> trySet(Map<String, Long> values) {
        List<String> warnings = new ArrayList<>();
        values.forEach((name, value) -> trySet(name, value).ifPresent(warnings::add));
        return warnings;
    }

    /**
     * As {@link #set}, but a refusal is returned as a one-line warning (kube-proxy only warns for these).
     *
     * @param name the sysctl's name
     * @param value the value
     * @return a warning, if it was refused
     */
    public Optional<String> trySet(String name, long value) {
        try {
            set(name, String.valueOf(value));
            return Optional.empty();
        } catch (SvcProxyException e) {
            return Optional.of(e.getMessage());
        }
    }
}
