// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import java.util.Objects;

/** The encapsulation of a TUNNEL destination: type, UDP port (GUE only) and checksum mode (GUE and GRE). */
public record Tunnel(Type type, int port, Checksum checksum) {

    /** The kernel's tunnel types. */
    public enum Type {
        /** IP in IP. */
        IPIP,
        /** Generic UDP Encapsulation, to a UDP port. */
        GUE,
        /** Generic Routing Encapsulation. */
        GRE
    }

    /** The kernel's tunnel checksum flags: none, checksum, remote checksum offload. */
    public enum Checksum {
        /** No checksum. */
        NOCSUM,
        /** A checksum in the encapsulation header. */
        CSUM,
        /** Remote checksum offload (GUE only). */
        REMCSUM
    }

    /** Plain IP-in-IP, the default of TUNNEL forwarding. */
    public static final Tunnel IPIP = new Tunnel(Type.IPIP, 0, Checksum.NOCSUM);

    /**
     * A tunnel.
     *
     * @param type the encapsulation
     * @param port the UDP port, 1-65535 for GUE, 0 otherwise
     * @param checksum the checksum mode (NOCSUM for IPIP; not REMCSUM for GRE)
     * @throws dev.svcproxy.api.InvalidInputException for a combination the kernel does not take
     */
    public Tunnel {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(checksum, "checksum");
        if (type == Type.GUE ? port < 1 || port > 65535 : port != 0) {
            throw new InvalidInputException("a GUE tunnel needs a port 1-65535; other tunnels have none", type + " port " + port);
        }
        if (type == Type.IPIP && checksum != Checksum.NOCSUM) {
            throw new InvalidInputException("an IPIP tunnel has no checksum option", type + " " + checksum);
        }
        if (type == Type.GRE && checksum == Checksum.REMCSUM) {
            throw new InvalidInputException("remote checksum offload is for GUE tunnels only", type + " " + checksum);
        }
    }

    /**
     * A GUE tunnel.
     *
     * @param port the UDP port, 1-65535
     * @param checksum the checksum mode
     * @return the tunnel
     */
    public static Tunnel gue(int port, Checksum checksum) {
        return new Tunnel(Type.GUE, port, checksum);
    }

    /**
     * A GRE tunnel.
     *
     * @param checksum NOCSUM or CSUM
     * @return the tunnel
     */
    public static Tunnel gre(Checksum checksum) {
        return new Tunnel(Type.GRE, 0, checksum);
    }

    /**
     * The kernel's flag bits for {@link #checksum()}.
     *
     * @return the bits
     */
    public int flagBits() {
        return switch (checksum) {
            case NOCSUM -> 0;
            case CSUM -> 1;
            case REMCSUM -> 2;
        };
    }

    /**
     * The checksum mode of the kernel's flag bits.
     *
     * @param bits the kernel's flag bits
     * @return the checksum mode
     */
    public static Checksum checksumOf(int bits) {
        return (bits & 2) != 0 ? Checksum.REMCSUM : (bits & 1) != 0 ? Checksum.CSUM : Checksum.NOCSUM;
    }
}
