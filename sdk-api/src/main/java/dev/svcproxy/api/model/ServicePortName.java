// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import dev.svcproxy.api.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The identity of one port of a service: {@code namespace/name} plus {@code :portName} when the port is named.
 * Its {@link #toString()} is exactly kube-proxy's {@code ServicePortName.String()}, which feeds chain-name hashes.
 */
public record ServicePortName(String namespace, String name, String portName) implements Comparable<ServicePortName> {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    /**
     * A Service port's name; an empty or null {@code portName} is the unnamed port.
     *
     * @param namespace the Service's namespace
     * @param name the Service's name
     * @param portName the port's name, empty for an unnamed port
     * @throws dev.svcproxy.api.InvalidInputException for a part that is not a DNS-style name
     */
    public ServicePortName {
        String id = namespace + "/" + name + (portName == null || portName.isEmpty() ? "" : ":" + portName);
        check(namespace, "namespace", id);
        check(name, "name", id);
        if (portName == null) {
            portName = "";
        } else if (!portName.isEmpty()) {
            check(portName, "port name", id);
        }
    }

    private static void check(String part, String what, String id) {
        if (part == null || part.length() > 253 || !PART.matcher(part).matches()) {
            throw new InvalidInputException("invalid " + what + " '" + part + "'", id);
        }
    }

    /**
     * As the constructor.
     *
     * @param namespace the Service's namespace
     * @param name the Service's name
     * @param portName the port's name, empty for an unnamed port
     * @return the name
     */
    public static ServicePortName of(String namespace, String name, String portName) {
        return new ServicePortName(namespace, name, portName);
    }

    /**
     * Parses {@code ns/name} or {@code ns/name:port}.
     *
     * @param text the text to parse
     * @return the name
     */
    public static ServicePortName parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("expected namespace/name[:port]", text);
        }
        String rest = text.substring(slash + 1);
        int colon = rest.indexOf(':');
        return colon < 0
                ? new ServicePortName(text.substring(0, slash), rest, "")
                : new ServicePortName(text.substring(0, slash), rest.substring(0, colon), rest.substring(colon + 1));
    }

    /**
     * {@code namespace/name} without the port.
     *
     * @return {@code namespace/name} without the port
     */
    public String serviceName() {
        return namespace + "/" + name;
    }

    /** The order of {@link #toString()}, without building either string: every sync of a large table sorts by it. */
    @Override
    public int compareTo(ServicePortName o) {
        int n = length();
        int m = o.length();
        for (int i = 0, end = Math.min(n, m); i < end; i++) {
            char a = charAt(i);
            char b = o.charAt(i);
            if (a != b) {
                return a - b;
            }
        }
        return n - m;
    }

    private int length() {
        return namespace.length() + 1 + name.length() + (portName.isEmpty() ? 0 : 1 + portName.length());
    }

    /** The character at {@code i} of {@link #toString()}. */
    private char charAt(int i) {
        if (i < namespace.length()) {
            return namespace.charAt(i);
        }
        i -= namespace.length();
        if (i == 0) {
            return '/';
        }
        i--;
        if (i < name.length()) {
            return name.charAt(i);
        }
        i -= name.length();
        return i == 0 ? ':' : portName.charAt(i - 1);
    }

    @Override
    public String toString() {
        return portName.isEmpty() ? serviceName() : serviceName() + ":" + portName;
    }
}
