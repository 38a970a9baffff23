// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Many set changes applied in one round trip ({@link IpsetClient#apply}): adds and deletes of entries (each
 * checked against its set when added here) and creates. Each operation succeeds or fails on its own; the result
 * lists the failures.
 */
public final class IpsetBatch {

    /** One operation: an entry added to or deleted from a set. */
    public record Op(IpSet set, Entry entry, boolean add) {
        @Override
        public String toString() {
            return "ipset " + (add ? "add " : "del ") + set.name() + " " + entry;
        }
    }

    private final List<Op> ops = new ArrayList<>();

    /**
     * Adds {@code entry} to {@code set} (no error if it is already there).
     *
     * @param set the set
     * @param entry the entry, checked against the set's type
     * @return this batch
     */
    public IpsetBatch add(IpSet set, Entry entry) {
        set.check(entry);
        ops.add(new Op(set, entry, true));
        return this;
    }

    /**
     * Deletes {@code entry} from {@code set} (no error if it is not there).
     *
     * @param set the set
     * @param entry the entry, checked against the set's type
     * @return this batch
     */
    public IpsetBatch delete(IpSet set, Entry entry) {
        set.check(entry.key());
        ops.add(new Op(set, entry.key(), false));
        return this;
    }

    /**
     * The operations, in the order given.
     *
     * @return an unmodifiable view
     */
    public List<Op> operations() {
        return Collections.unmodifiableList(ops);
    }

    /**
     * How many operations the batch holds.
     *
     * @return the count
     */
    public int size() {
        return ops.size();
    }
}
