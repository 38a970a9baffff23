// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import dev.svcproxy.netlink.genl.GenericNetlinkRequestsAccess;

final class GenericNetlinkRequests {
    private GenericNetlinkRequests() {
    }

    static MessageBuilder getFamily(String name) {
        return GenericNetlinkRequestsAccess.getFamily(name);
    }
}
