// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import dev.svcproxy.ipset.internal.NetlinkIpsetClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and changes the kernel's ipsets over netlink, in this or another network namespace. Entries are checked
 * against their set's type before the kernel sees them. Kernel errors arrive typed: a missing set or entry is
 * {@link dev.svcproxy.api.NotFoundException}, a set that exists with other options
 * {@link dev.svcproxy.api.AlreadyExistsException}, a set still referenced by a rule
 * {@link dev.svcproxy.api.BusyException}.
 */
public interface IpsetClient extends AutoCloseable {

    /**
     * Creates {@code set}; does nothing if an identical set exists; fails if one of that name differs.
     *
     * @param set the set
     */
    void create(IpSet set);

    /**
     * Destroys the set; {@link dev.svcproxy.api.NotFoundException} if there is none.
     *
     * @param name the set's name
     */
    void destroy(String name);

    /**
     * Removes every entry of the set; {@link dev.svcproxy.api.NotFoundException} if there is none.
     *
     * @param name the set's name
     */
    void flush(String name);

    /**
     * Adds the entry (no error if it is already there).
     *
     * @param set the set
     * @param entry the entry, of the set's type
     */
    void add(IpSet set, Entry entry);

    /**
     * Deletes the entry (no error if it is not there).
     *
     * @param set the set
     * @param entry the entry, of the set's type
     */
    void delete(IpSet set, Entry entry);

    /**
     * True if the entry is in the set.
     *
     * @param set the set
     * @param entry the entry, of the set's type
     * @return whether it is a member
     */
    boolean test(IpSet set, Entry entry);

    /**
     * The set with its members, if it exists.
     *
     * @param name the set's name
     * @return the set, or empty if there is none
     */
    Optional<SetContents> list(String name);

    /**
     * Every set with its members.
     *
     * @return the sets
     */
    List<SetContents> list();

    /**
     * Exchanges the contents of two sets of compatible types (as {@code ipset swap}); rules that refer to them by
     * name see the other contents at once.
     *
     * @param a one set's name
     * @param b the other's
     */
    void swap(String a, String b);

    /**
     * Renames a set.
     *
     * @param from its name
     * @param to the new name, not in use
     */
    void rename(String from, String to);

    /**
     * Applies every operation of {@code batch} in one round trip; returns the failed ones with their errors.
     *
     * @param batch the operations
     * @return the refused operations with their errors; empty when all were applied
     */
    Map<IpsetBatch.Op, RuntimeException> apply(IpsetBatch batch);

    @Override
    default void close() {
    }

    /**
     * A client over netlink in this network namespace.
     *
     * @return a client; close it when done
     */
    static IpsetClient open() {
        return new NetlinkIpsetClient(Optional.empty());
    }

    /**
     * A client over netlink in the network namespace at {@code netns}.
     *
     * @param netns the namespace's path (e.g. {@code /run/netns/NAME})
     * @return a client; close it when done
     */
    static IpsetClient open(Path netns) {
        return new NetlinkIpsetClient(Optional.of(netns));
    }
}
