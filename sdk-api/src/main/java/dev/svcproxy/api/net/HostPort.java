// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;

/**
 * An {@code ip:port} endpoint. Text form as Go's {@code net.JoinHostPort}: {@code 10.1.2.3:80}, {@code [fd00::5]:80}.
 * Kubernetes hashes this exact text into chain names, so it must not vary.
 */
public record HostPort(IpAddress ip, int port) implements Comparable<HostPort> {

    /**
     * An endpoint.
     *
     * @param ip the address, not null
     * @param port 1-65535
     * @throws dev.svcproxy.api.InvalidInputException for a missing address or a bad port
     */
    public HostPort {
        if (ip == null) {
            throw new InvalidInputException("missing IP", "endpoint");
        }
        Port.check(port, ip.toString());
    }

    /**
     * As the constructor.
     *
     * @param ip the address
     * @param port 1-65535
     * @return the endpoint
     */
    public static HostPort of(IpAddress ip, int port) {
        return new HostPort(ip, port);
    }

    /**
     * Parses {@code 10.1.2.3:80} or {@code [fd00::5]:80}.
     *
     * @param text the text to parse
     * @return the endpoint
     */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new InvalidInputException("empty endpoint", "null");
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidInputException("endpoint needs a port (ip:port or [ipv6]:port)", text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw new InvalidInputException("only IPv6 addresses are written in brackets", text);
            }
        } else if (host.indexOf(':') >= 0) {
            throw new InvalidInputException("an IPv6 endpoint is written [address]:port", text);
        }
        try {
            return new HostPort(IpAddress.parse(host), Port.parse(text.substring(colon + 1)).value());
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid endpoint: " + e.getMessage(), text, e);
        }
    }

    @Override
    public int compareTo(HostPort o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return ip.family() == IpFamily.IPV6 ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
