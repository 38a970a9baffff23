// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.testkit;

import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetBatch;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetContents;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An adapter a program might put around any {@link IpsetClient}: it counts the changes it passes on (for a metric)
 * and otherwise behaves exactly as the client it wraps. {@code CountingIpsetClientContractTest} holds it to the
 * ipset compatibility kit ({@code dev.svcproxy.ipset.testkit}) on the module path, as a user's own test would.
 */
public final class CountingIpsetClient implements IpsetClient {
    private final IpsetClient delegate;
    private final AtomicLong changes = new AtomicLong();

    /** Wraps {@code delegate}. */
    public CountingIpsetClient(IpsetClient delegate) {
        this.delegate = delegate;
    }

    /** The calls that asked for a change so far (create, destroy, flush, add, delete, swap, rename, batches). */
    public long changes() {
        return changes.get();
    }

    private <T> T counted(java.util.function.Supplier<T> call) {
        changes.incrementAndGet();
        return call.get();
    }

    private void counted(Runnable call) {
        changes.incrementAndGet();
        call.run();
    }

    @Override
    public void create(IpSet set) {
        counted(() -> delegate.create(set));
    }

    @Override
    public void destroy(String name) {
        counted(() -> delegate.destroy(name));
    }

    @Override
    public void flush(String name) {
        counted(() -> delegate.flush(name));
    }

    @Override
    public void add(IpSet set, Entry entry) {
        counted(() -> delegate.add(set, entry));
    }

    @Override
    public void delete(IpSet set, Entry entry) {
        counted(() -> delegate.delete(set, entry));
    }

    @Override
    public boolean test(IpSet set, Entry entry) {
        return delegate.test(set, entry);
    }

    @Override
    public Optional<SetContents> list(String name) {
        return delegate.list(name);
    }

    @Override
    public List<SetContents> list() {
        return delegate.list();
    }

    @Override
    public void swap(String a, String b) {
        counted(() -> delegate.swap(a, b));
    }

    @Override
    public void rename(String from, String to) {
        counted(() -> delegate.rename(from, to));
    }

    @Override
    public Map<IpsetBatch.Op, RuntimeException> apply(IpsetBatch batch) {
        return counted(() -> delegate.apply(batch));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
