// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory conntrack table with the kernel's rules for what {@link ConntrackClient} can see and do: entries
 * created here get an id and the CONFIRMED status, a tracked connection cannot be created twice, a new entry needs
 * a timeout. Held to the same compatibility tests as the kernel client. Thread-safe.
 */
public final class FakeConntrack implements ConntrackClient {
    private final List<ConntrackEntry> table = new ArrayList<>();
    private long nextId = 1;

    @Override
    public synchronized List<ConntrackEntry> list(IpFamily family) {
        return list(ConntrackFilter.all(family));
    }

    @Override
    public synchronized List<ConntrackEntry> list(ConntrackFilter filter) {
        return table.stream().filter(filter::matches).toList();
    }

    @Override
    public synchronized long count() {
        return table.size();
    }

    @Override
    public synchronized Map<ConntrackEntry, RuntimeException> create(List<ConntrackEntry> entries) {
        Map<ConntrackEntry, RuntimeException> failed = new LinkedHashMap<>();
        for (ConntrackEntry e : entries) {
            if (e.timeoutSeconds() == 0) {
                failed.put(e, new InvalidInputException("a new entry needs a timeout", e.toString()));
            } else if (table.stream().anyMatch(t -> t.sameConnection(e) || t.zone() == e.zone() && t.reply().equals(e.reply()))) {
                failed.put(e, new AlreadyExistsException("the connection is tracked already", e.toString()));
            } else {
                long status = e.status() | Status.CONFIRMED.bit();
                table.add(new ConntrackEntry(e.original(), e.reply(), status, e.timeoutSeconds(), e.mark(), e.zone(),
                        nextId++, e.tcpState()));
            }
        }
        return failed;
    }

    @Override
    public synchronized boolean delete(ConntrackEntry entry) {
        return table.removeIf(t -> t.sameConnection(entry) && (entry.id() == 0 || entry.id() == t.id()));
    }

    @Override
    public synchronized int delete(ConntrackFilter filter) {
        int before = table.size();
        table.removeIf(filter::matches);
        return before - table.size();
    }

    @Override
    public synchronized void flush(IpFamily family) {
        table.removeIf(t -> t.family() == family);
    }
}
