// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.netlink.xtables.XtablesSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 nat table read without the tool, as {@code iptables-legacy-save -t nat} prints it: every chain, and the
 * rules of the chains asked for ({@link IptSave}). Like the tool's save, it takes no lock. Empty whenever the tool must
 * read it instead: a rule with no line here, a table a full sync's write would not read here either
 * ({@link LegacyNatWriter#reads}: its size, and the heap a large one needs), a table it does
 * not read, no socket.
 */
final class LegacyNatSave {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyNatSave.class);

    private LegacyNatSave() {
    }

    static Optional<String> read(Optional<Path> netns, Predicate<ChainName> rulesOf) {
        try (XtablesSocket s = XtablesSocket.open(IpFamily.IPV4, netns)) {
            ByteBuffer info = ByteBuffer.allocateDirect(XtTable.INFO_SIZE);
            int size = XtTable.readInfo(s, "nat", info);
            if (!LegacyNatWriter.reads(size, true)) { // its entries decoded cost the heap what the writer's read does
                return Optional.empty();
            }
            ByteBuffer read = DirectBuffers.allocate(XtTable.GET_ENTRIES_HEADER + size, "nat");
            Optional<String> text;
            try {
                text = XtTable.decode("nat", info, XtTable.readEntries(s, "nat", size, read)).flatMap(t -> t.save(rulesOf));
            } finally {
                DirectBuffers.free(read); // nothing refers to it once the text is made: 100 MiB at 10,000 services
            }
            if (text.isEmpty()) {
                LOG.debug("nat read by the tool: a rule asked for has no line here, or the table is not read here");
            }
            return text;
        } catch (SvcProxyException e) {
            LOG.debug("nat read by the tool: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
