// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.nftables.internal.NetlinkNftablesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads and changes the kernel's nftables over nf_tables netlink, in this or another network namespace, with no
 * {@code nft} process. A transaction is one batch: the kernel applies all of it or none. Errors arrive typed and
 * name the operation, with the kernel's extended-ack text: a missing object is
 * {@link dev.svcproxy.api.NotFoundException}, an existing one (for {@code create})
 * {@link dev.svcproxy.api.AlreadyExistsException}, one still in use {@link dev.svcproxy.api.BusyException}, a value
 * the kernel refuses {@link dev.svcproxy.api.InvalidInputException}.
 */
public interface NftablesClient extends AutoCloseable {

    /**
     * Applies every operation of {@code tx} in one atomic batch; on any failure nothing is applied.
     *
     * @param tx the transaction
     */
    void apply(NftTransaction tx);

    /**
     * Has the kernel validate {@code tx} as {@link #apply} would, then discards it: nothing changes.
     *
     * @param tx the transaction
     */
    void check(NftTransaction tx);

    /**
     * Every table of every family.
     *
     * @return every table of every family
     */
    List<Table> tables();

    /**
     * The names of the table's chains and of its named sets and maps; empty if there is no such table.
     *
     * @param family the IP family
     * @param table the table
     * @return the names of the table's chains and of its named sets and maps
     */
    Optional<TableNames> names(Family family, String table);

    /**
     * The table's sets and maps with their elements, and its chains; empty if there is no such table.
     *
     * @param family the IP family
     * @param table the table
     * @return the table's sets and maps with their elements, and its chains
     */
    Optional<TableContents> list(Family family, String table);

    @Override
    void close();

    /**
     * A client in this process's network namespace.
     *
     * @return a client in this process's network namespace
     */
    static NftablesClient open() {
        return new NetlinkNftablesClient(Optional.empty());
    }

    /**
     * A client in the network namespace at {@code netns} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}).
     *
     * @param netns the network namespace's path
     * @return a client in the network namespace at {@code netns} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net})
     */
    static NftablesClient open(Path netns) {
        return new NetlinkNftablesClient(Optional.of(netns));
    }
}
