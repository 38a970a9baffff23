package dev.svcproxy.netlink;

import dev.svcproxy.netlink.genl.GenericNetlinkRequestsAccess;

final class GenericNetlinkRequests {
    private GenericNetlinkRequests() {
    }

    static MessageBuilder getFamily(String name) {
        return GenericNetlinkRequestsAccess.getFamily(name);
    }
}
