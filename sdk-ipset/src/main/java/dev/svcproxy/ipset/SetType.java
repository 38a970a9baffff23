// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import dev.svcproxy.api.InvalidInputException;
import java.util.Locale;

/** The set types svcproxy programs, with the parts an entry of each must have (and may not have). */
public enum SetType {
    /** {@code hash:ip}: addresses. */
    HASH_IP("hash:ip", true, false, false, false, false),
    /** {@code hash:ip,port}: address, protocol and port. */
    HASH_IP_PORT("hash:ip,port", true, false, true, false, false),
    /** {@code hash:ip,port,ip}: address, protocol, port and a second address. */
    HASH_IP_PORT_IP("hash:ip,port,ip", true, false, true, true, false),
    /** {@code hash:ip,port,net}: address, protocol, port and a network. */
    HASH_IP_PORT_NET("hash:ip,port,net", true, false, true, true, true),
    /** {@code hash:net}: networks. */
    HASH_NET("hash:net", true, true, false, false, false),
    /** {@code hash:net,port}: network, protocol and port. */
    HASH_NET_PORT("hash:net,port", true, true, true, false, false),
    /** {@code bitmap:port}: ports of a fixed range. */
    BITMAP_PORT("bitmap:port", false, false, true, false, false),
    /** {@code list:set}: other sets. */
    LIST_SET("list:set", false, false, false, false, false);

    private final String typeName;
    final boolean ip;
    final boolean net;
    final boolean port;
    final boolean ip2;
    final boolean net2;

    SetType(String typeName, boolean ip, boolean net, boolean port, boolean ip2, boolean net2) {
        this.typeName = typeName;
        this.ip = ip;
        this.net = net;
        this.port = port;
        this.ip2 = ip2;
        this.net2 = net2;
    }

    /**
     * The kernel's name, e.g. {@code hash:ip,port,ip}.
     *
     * @return the type's name
     */
    public String typeName() {
        return typeName;
    }

    /**
     * True for types that hold addresses of one IP family.
     *
     * @return true for hash types of one family
     */
    public boolean hasFamily() {
        return ip;
    }

    /**
     * The type named as {@code ipset} names it.
     *
     * @param typeName e.g. {@code hash:ip,port} (case-insensitive)
     * @return the type
     * @throws dev.svcproxy.api.InvalidInputException for a type svcproxy does not model
     */
    public static SetType parse(String typeName) {
        for (SetType t : values()) {
            if (t.typeName.equals(typeName.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new InvalidInputException("unsupported set type", typeName);
    }

    @Override
    public String toString() {
        return typeName;
    }
}
