// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.netlink.genl.GenericNetlink;
import dev.svcproxy.netlink.genl.GenlFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Netlink against the real kernel: generic netlink lookups, dumps inside a namespace, large batches. */
@Tag("kernel")
class KernelNetlinkTest {
    private static final int RTM_GETLINK = 18;
    private static final int IFLA_IFNAME = 3;

    @Test
    void nativeAccessWorksOnTheModulePath() {
        assertTrue(NetlinkSocket.isAvailable(), NetlinkSocket.unavailabilityCause().orElse(""));
        assertTrue(NetlinkSocket.class.getModule().isNamed());
    }

    @Test
    void genericNetlinkFamiliesResolveAndMissingOnesAreNotFound() {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkProtocol.GENERIC)) {
            GenlFamily ctrl = GenericNetlink.family(s, "nlctrl");
            assertEquals(GenericNetlink.GENL_ID_CTRL, ctrl.id());
            assertTrue(ctrl.multicastGroups().containsKey("notify"), ctrl.toString());
            NotFoundException e = assertThrows(NotFoundException.class, () -> GenericNetlink.family(s, "no-such-family"));
            assertTrue(e.getMessage().contains("no-such-family") && e.getMessage().contains("ENOENT"), e.getMessage());
        }
    }

    private static List<String> links(NetlinkSocket s) {
        List<String> names = new ArrayList<>();
        MessageBuilder dump = new MessageBuilder(RTM_GETLINK, Netlink.NLM_F_DUMP, "dump links").header(new byte[16]);
        for (NetlinkMessage m : s.request(dump)) {
            names.add(m.attributes(16).string(IFLA_IFNAME));
        }
        return names;
    }

    @Test
    void aSocketOpenedInANamespaceSeesThatNamespace() {
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-nl-" + ProcessHandle.current().pid())) {
            ns.sh("ip link add name nla type veth peer name nlb");
            String before = Thread.currentThread().getName();
            try (NetlinkSocket s = NetlinkSocket.open(NetlinkProtocol.ROUTE, ns.path())) {
                assertEquals(new TreeSet<>(List.of("lo", "nla", "nlb")), new TreeSet<>(links(s)));
            }
            assertEquals(before, Thread.currentThread().getName());
            // the calling thread stayed where it was: a socket opened here does not see the namespace's veths
            try (NetlinkSocket here = NetlinkSocket.open(NetlinkProtocol.ROUTE)) {
                assertTrue(!links(here).contains("nla"));
            }
        }
    }

    @Test
    void aLargeBatchReportsEachRequestsOutcomeInOrder() {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkProtocol.GENERIC)) {
            List<MessageBuilder> batch = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                batch.add(GenericNetlinkRequests.getFamily(i % 3 == 0 ? "missing-" + i : "nlctrl"));
            }
            List<NetlinkSocket.Reply> replies = s.batch(batch, true);
            assertEquals(3000, replies.size());
            for (int i = 0; i < 3000; i++) {
                NetlinkSocket.Reply r = replies.get(i);
                if (i % 3 == 0) {
                    assertTrue(r.error().orElseThrow().getMessage().contains("missing-" + i));
                } else {
                    assertTrue(r.error().isEmpty(), r.error().map(Throwable::getMessage).orElse(""));
                    assertEquals(1, r.messages().size());
                }
            }
        }
    }
}
