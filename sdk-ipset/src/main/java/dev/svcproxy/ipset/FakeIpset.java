// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link IpsetClient} with the kernel's rules: create is idempotent only for identical sets, a set a
 * {@code list:set} holds cannot be destroyed, a full set (maxelem, 65536 by default) refuses adds, swap needs equal
 * types, rename needs a free name. Held to the same compatibility kit as the kernel client. Thread-safe.
 */
public final class FakeIpset implements IpsetClient {
    private static final int DEFAULT_MAXELEM = 65536;
    private final Map<String, IpSet> sets = new LinkedHashMap<>();
    private final Map<String, Map<Entry, Entry>> members = new LinkedHashMap<>();

    private IpSet need(String name) {
        IpSet s = sets.get(IpSet.checkName(name));
        if (s == null) {
            throw new NotFoundException("no such set", name);
        }
        return s;
    }

    @Override
    public synchronized void create(IpSet set) {
        IpSet have = sets.get(set.name());
        if (have != null) {
            if (!have.equals(set)) {
                throw new AlreadyExistsException("exists with other options: " + have, set.name());
            }
            return;
        }
        sets.put(set.name(), set);
        members.put(set.name(), new LinkedHashMap<>());
    }

    private boolean referenced(String name) {
        return sets.values().stream().anyMatch(s -> s.type() == SetType.LIST_SET
                && members.get(s.name()).containsKey(Entry.member(name)));
    }

    @Override
    public synchronized void destroy(String name) {
        need(name);
        if (referenced(name)) {
            throw new BusyException("the set is in use (referenced by a rule or a list:set)", "ipset destroy " + name);
        }
        sets.remove(name);
        members.remove(name);
    }

    @Override
    public synchronized void flush(String name) {
        need(name);
        members.get(name).clear();
    }

    @Override
    public synchronized void add(IpSet set, Entry entry) {
        IpSet have = need(set.name());
        have.check(entry);
        Map<Entry, Entry> m = members.get(set.name());
        if (entry.member().isPresent() && !sets.containsKey(entry.member().get())) {
            throw new NotFoundException("no such member set", "ipset add " + set.name() + " " + entry);
        }
        int max = have.maxElem() > 0 ? have.maxElem() : DEFAULT_MAXELEM;
        if (!m.containsKey(entry.key()) && m.size() >= max) {
            throw new BusyException("the set is full (maxelem reached)", "ipset add " + set.name() + " " + entry);
        }
        m.put(entry.key(), entry);
    }

    @Override
    public synchronized void delete(IpSet set, Entry entry) {
        need(set.name()).check(entry.key());
        members.get(set.name()).remove(entry.key());
    }

    @Override
    public synchronized boolean test(IpSet set, Entry entry) {
        need(set.name()).check(entry.key());
        return members.get(set.name()).containsKey(entry.key());
    }

    @Override
    public synchronized Optional<SetContents> list(String name) {
        IpSet s = sets.get(IpSet.checkName(name));
        return s == null ? Optional.empty() : Optional.of(contents(s));
    }

    private SetContents contents(IpSet s) {
        int refs = (int) sets.values().stream().filter(l -> l.type() == SetType.LIST_SET
                && members.get(l.name()).containsKey(Entry.member(s.name()))).count();
        return new SetContents(s, refs, new ArrayList<>(members.get(s.name()).values()));
    }

    @Override
    public synchronized List<SetContents> list() {
        return sets.values().stream().map(this::contents).toList();
    }

    @Override
    public synchronized void swap(String a, String b) {
        IpSet x = need(a);
        IpSet y = need(b);
        if (x.type() != y.type() || x.type().hasFamily() && x.family() != y.family()) {
            throw new InvalidInputException("the two sets' types differ", "ipset swap " + a + " " + b);
        }
        Map<Entry, Entry> t = members.get(a);
        members.put(a, members.get(b));
        members.put(b, t);
        sets.put(a, rename(y, a));
        sets.put(b, rename(x, b));
    }

    private static IpSet rename(IpSet s, String name) {
        return new IpSet(name, s.type(), s.family(), s.hashSize(), s.maxElem(), s.timeout(), s.comment(), s.counters(),
                s.portFrom(), s.portTo(), s.size());
    }

    @Override
    public synchronized void rename(String from, String to) {
        IpSet s = need(from);
        if (sets.containsKey(IpSet.checkName(to))) {
            throw new AlreadyExistsException("a set with the new name already exists", "ipset rename " + from + " " + to);
        }
        Map<String, IpSet> copy = new LinkedHashMap<>();
        sets.forEach((k, v) -> copy.put(k.equals(from) ? to : k, k.equals(from) ? rename(s, to) : v));
        sets.clear();
        sets.putAll(copy);
        members.put(to, members.remove(from));
    }

    @Override
    public synchronized Map<IpsetBatch.Op, RuntimeException> apply(IpsetBatch batch) {
        Map<IpsetBatch.Op, RuntimeException> failed = new LinkedHashMap<>();
        for (IpsetBatch.Op op : batch.operations()) {
            try {
                if (op.add()) {
                    add(op.set(), op.entry());
                } else {
                    delete(op.set(), op.entry());
                }
            } catch (RuntimeException e) {
                failed.put(op, e);
            }
        }
        return failed;
    }
}
