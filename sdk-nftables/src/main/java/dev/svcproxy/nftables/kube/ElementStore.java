// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The elements of one shared map or set as the kernel has them after the last good sync, so that a sync sends only
 * the difference (kube-proxy's {@code nftElementStorage}): new keys are added, changed ones deleted and added again,
 * keys no service wants any more deleted. A later element with the key of an earlier one replaces it, as in
 * kube-proxy.
 */
final class ElementStore {
    private final NftSet set;
    private Map<List<String>, Element> applied = new HashMap<>();
    private Map<List<String>, Element> wanted = new HashMap<>();
    private Map<List<String>, Element> pending;

    ElementStore(NftSet set) {
        this.set = set;
    }

    NftSet set() {
        return set;
    }

    /** Forgets what the kernel has and empties the set in {@code tx} (a full sync refills it). */
    void reset(NftTransaction tx) {
        tx.flush(set);
        applied = new HashMap<>();
    }

    void want(Element e) {
        wanted.put(e.key(), e);
    }

    /** Adds the difference between what is wanted and what the kernel has to {@code tx}; {@link #committed()} once applied. */
    void diff(NftTransaction tx) {
        List<Element> delete = new ArrayList<>();
        List<Element> add = new ArrayList<>();
        wanted.forEach((k, e) -> {
            Element old = applied.get(k);
            if (old == null) {
                add.add(e);
            } else if (!old.equals(e)) {
                delete.add(old);
                add.add(e);
            }
        });
        applied.forEach((k, e) -> {
            if (!wanted.containsKey(k)) {
                delete.add(e);
            }
        });
        if (!delete.isEmpty()) {
            tx.deleteElements(set, delete);
        }
        if (!add.isEmpty()) {
            tx.addElements(set, add);
        }
        pending = wanted;
        wanted = new HashMap<>();
    }

    /** The transaction of the last {@link #diff} was applied: the kernel now has what was wanted. */
    void committed() {
        applied = pending;
        pending = null;
    }

    /** The transaction failed: nothing of it was applied (the next sync is a full one). */
    void abandoned() {
        pending = null;
    }

    int size() {
        return applied.size();
    }
}
