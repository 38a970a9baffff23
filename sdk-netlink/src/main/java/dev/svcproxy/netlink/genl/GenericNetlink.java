// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.genl;

import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Looks up generic netlink families through the controller ({@code nlctrl}, id 0x10). */
public final class GenericNetlink {
    /** The generic netlink controller's family id. */
    public static final int GENL_ID_CTRL = 0x10;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    static final int CTRL_ATTR_VERSION = 3;
    static final int CTRL_ATTR_MCAST_GROUPS = 7;
    static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    static final int CTRL_ATTR_MCAST_GRP_ID = 2;

    private GenericNetlink() {
    }

    /** The request that asks the controller for {@code name}. */
    static MessageBuilder getFamily(String name) {
        return new MessageBuilder(GENL_ID_CTRL, 0, "genl family " + name).genl(CTRL_CMD_GETFAMILY, 1)
                .string(CTRL_ATTR_FAMILY_NAME, name);
    }

    /** Decodes the controller's answer. */
    static GenlFamily decode(NetlinkMessage reply) {
        Attributes a = reply.attributes(4);
        Map<String, Integer> groups = new LinkedHashMap<>();
        a.nestedIfPresent(CTRL_ATTR_MCAST_GROUPS).ifPresent(g -> {
            for (int t : g.types()) {
                for (ByteBuffer b : g.all(t)) {
                    Attributes grp = Attributes.parse(b);
                    groups.put(grp.string(CTRL_ATTR_MCAST_GRP_NAME), (int) grp.u32(CTRL_ATTR_MCAST_GRP_ID));
                }
            }
        });
        return new GenlFamily(a.string(CTRL_ATTR_FAMILY_NAME), a.u16(CTRL_ATTR_FAMILY_ID),
                a.has(CTRL_ATTR_VERSION) ? (int) a.u32(CTRL_ATTR_VERSION) : 0, groups);
    }

    /**
     * The family {@code name} (e.g. {@code IPVS}); {@link NotFoundException} if this kernel lacks it.
     *
     * @param socket a generic netlink socket
     * @param name the family's name (e.g. {@code IPVS})
     * @return the family
     */
    public static GenlFamily family(NetlinkSocket socket, String name) {
        List<NetlinkMessage> replies = socket.request(getFamily(name));
        if (replies.isEmpty()) {
            throw new NotFoundException("the generic netlink controller did not describe it", "genl family " + name);
        }
        return decode(replies.get(0));
    }
}
