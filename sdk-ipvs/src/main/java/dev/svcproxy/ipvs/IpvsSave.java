// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import java.util.stream.Collectors;

/** The {@code ipvsadm -S -n} text of a table: what {@code ipvsadm -R} reads, line for line as ipvsadm 1.31 prints it. */
public final class IpvsSave {

    private IpvsSave() {
    }

    /**
     * The table as {@code ipvsadm -S -n} prints it, service by service with its real servers.
     *
     * @param table the table
     * @return the text, one line per service and real server
     */
    public static String render(IpvsTable table) {
        StringBuilder b = new StringBuilder();
        for (VirtualServer s : table.services()) {
            b.append(service(s)).append('\n');
            for (Destination d : table.destinations(s.key())) {
                b.append(destination(s.key(), d)).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * {@code -A -u 10.101.57.98:53 -s sh -p 600 -M 255.255.255.0 -o -b sh-fallback,sh-port}.
     *
     * @param s the service
     * @return its {@code -A} line
     */
    public static String service(VirtualServer s) {
        StringBuilder b = new StringBuilder("-A ").append(s.key()).append(" -s ").append(s.scheduler());
        if (s.isPersistent()) {
            b.append(" -p ").append(s.persistenceTimeout());
            boolean v4 = s.key().family() == IpFamily.IPV4;
            if (s.persistenceNetmask() != (v4 ? 32 : 128)) {
                b.append(" -M ").append(v4 ? mask(s.persistenceNetmask()) : String.valueOf(s.persistenceNetmask()));
            }
        }
        if (s.flags().contains(ServiceFlag.ONE_PACKET)) {
            b.append(" -o");
        }
        String named = s.flags().stream().filter(f -> f != ServiceFlag.ONE_PACKET)
                .sorted((x, y) -> Integer.compare(x.bit(), y.bit())).map(ServiceFlag::ipvsadmName)
                .collect(Collectors.joining(","));
        if (!named.isEmpty()) {
            b.append(" -b ").append(named);
        }
        return b.toString();
    }

    static String mask(int prefix) {
        long m = prefix == 0 ? 0 : 0xffffffffL << (32 - prefix) & 0xffffffffL;
        return IpAddress.ofBytes(new byte[] {(byte) (m >> 24), (byte) (m >> 16), (byte) (m >> 8), (byte) m}).toString();
    }

    /**
     * {@code -a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 1}, with tunnel options after the weight.
     *
     * @param key the service
     * @param d the real server
     * @return its {@code -a} line
     */
    public static String destination(ServiceKey key, Destination d) {
        StringBuilder b = new StringBuilder("-a ").append(key).append(" -r ").append(d.hostPort());
        if (!d.forwarding().ipvsadmFlag().isEmpty()) {
            b.append(' ').append(d.forwarding().ipvsadmFlag());
        }
        b.append(" -w ").append(d.weight());
        d.tunnel().ifPresent(t -> {
            b.append(" --tun-type ").append(t.type().name().toLowerCase(java.util.Locale.ROOT));
            if (t.type() == Tunnel.Type.GUE) {
                b.append(" --tun-port ").append(t.port());
            }
            if (t.type() != Tunnel.Type.IPIP) {
                b.append(" --tun-").append(t.checksum().name().toLowerCase(java.util.Locale.ROOT));
            }
        });
        return b.toString();
    }
}
