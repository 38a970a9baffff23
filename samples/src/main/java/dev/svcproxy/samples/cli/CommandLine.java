// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subcommand and its flags, kube-proxy style: {@code --name value}, {@code --name=value}, and boolean flags given
 * alone ({@code --once}). A flag the subcommand does not take is refused by name.
 */
public record CommandLine(String command, Map<String, String> flags) {

    /**
     * The command line: {@code args[0]} names the subcommand, or, when there is none (no arguments, or a flag first),
     * the subcommand is {@code implicit} (kube-proxy's own command line has no subcommand). Besides {@code --name},
     * kube-proxy's short verbosity flag is read: {@code -v N}, {@code -v=N}, {@code -vN}, as {@code v}.
     */
    public static CommandLine parse(String[] args, Map<String, Set<String>> valueFlags, Map<String, Set<String>> booleanFlags,
                                    String implicit) {
        String commands = String.join(", ", new java.util.TreeSet<>(valueFlags.keySet()));
        boolean none = args.length == 0 || args[0].startsWith("-");
        String cmd = none ? implicit : args[0];
        if (!valueFlags.containsKey(cmd)) {
            throw new InvalidInputException("unknown subcommand (one of " + commands + ")", cmd);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args).subList(none ? 0 : 1, args.length));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.startsWith("-v") && !a.startsWith("--") && a.matches("-v(=?\\d+)?")) {
                a = "--v" + (a.length() > 2 ? "=" + a.substring(a.charAt(2) == '=' ? 3 : 2) : "");
            }
            if (!a.startsWith("--")) {
                throw new InvalidInputException("unexpected argument", a);
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (booleanFlags.getOrDefault(cmd, Set.of()).contains(name)) {
                flags.put(name, value == null ? "true" : value);
            } else if (valueFlags.get(cmd).contains(name)) {
                if (value == null) {
                    if (i + 1 >= rest.size()) {
                        throw new InvalidInputException("needs a value", "--" + name);
                    }
                    value = rest.get(++i);
                }
                flags.put(name, value);
            } else {
                throw new InvalidInputException("unknown flag for '" + cmd + "'", "--" + name);
            }
        }
        return new CommandLine(cmd, flags);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    public boolean has(String name) {
        return "true".equals(flags.get(name));
    }
}
