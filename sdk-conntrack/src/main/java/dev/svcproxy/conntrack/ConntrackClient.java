// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.conntrack.internal.NetlinkConntrackClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and changes the kernel's connection tracking table over ctnetlink, in this or another network namespace.
 * Deleting by filter lists the family's entries, matches them here and deletes the matching ones by their
 * original tuple and id in batched requests; an entry that expires in between is not an error.
 */
public interface ConntrackClient extends AutoCloseable {

    /**
     * Every entry of {@code family}.
     *
     * @param family the family
     * @return the entries
     */
    List<ConntrackEntry> list(IpFamily family);

    /**
     * The entries that match {@code filter} (both families unless the filter names one).
     *
     * @param filter the conditions
     * @return the matching entries
     */
    List<ConntrackEntry> list(ConntrackFilter filter);

    /**
     * How many entries the table holds, all families (the kernel's own counter).
     *
     * @return the number of entries
     */
    long count();

    /**
     * Creates entries (as {@code conntrack -I} does); returns the ones the kernel refused, with their errors.
     *
     * @param entries the entries to create
     * @return the refused entries with their errors; empty when all were created
     */
    Map<ConntrackEntry, RuntimeException> create(List<ConntrackEntry> entries);

    /**
     * Creates one entry; {@link dev.svcproxy.api.AlreadyExistsException} if its connection is tracked already.
     *
     * @param entry the entry
     */
    default void create(ConntrackEntry entry) {
        RuntimeException e = create(List.of(entry)).get(entry);
        if (e != null) {
            throw e;
        }
    }

    /**
     * Deletes one entry (matched by zone, original tuple and, when known, id); false if it was not there.
     *
     * @param entry the entry
     * @return true if it was deleted
     */
    boolean delete(ConntrackEntry entry);

    /**
     * Deletes every entry that matches {@code filter} and returns how many were deleted; entries that vanish on
     * their own meanwhile are skipped. A refusal other than "not found" throws after the rest were deleted.
     *
     * @param filter the conditions
     * @return how many entries were deleted
     */
    int delete(ConntrackFilter filter);

    /**
     * Deletes every entry of {@code family}.
     *
     * @param family the family
     */
    void flush(IpFamily family);

    @Override
    default void close() {
    }

    /**
     * A client over ctnetlink in this network namespace.
     *
     * @return a client; close it when done
     */
    static ConntrackClient open() {
        return new NetlinkConntrackClient(Optional.empty());
    }

    /**
     * A client over ctnetlink in the network namespace at {@code netns} (e.g. {@code /run/netns/NAME}).
     *
     * @param netns the namespace's path
     * @return a client; close it when done
     */
    static ConntrackClient open(Path netns) {
        return new NetlinkConntrackClient(Optional.of(netns));
    }
}
