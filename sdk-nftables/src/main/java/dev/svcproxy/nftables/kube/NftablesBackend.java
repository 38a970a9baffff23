// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.BackendMetric;
import dev.svcproxy.api.spi.RefusedServices;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's nftables mode over any {@link NftablesClient} (the kernel's or {@link dev.svcproxy.nftables.FakeNftables}).
 * Each sync is one atomic transaction. The first sync, a sync after a failure, after the node's addresses or the
 * service CIDRs changed, after the table vanished (an {@code nft flush ruleset}), and at least hourly, is full: the
 * fixed part is rewritten, the shared maps refilled, every service's chains written, and the kernel's chain and set
 * names read to find stale ones. Every other sync writes only the chains of the services that changed and the
 * difference of the shared maps' elements. Chains no service uses any more are flushed at once and deleted at least
 * one second later, in a transaction of their own (kernels before 6.2 free map references late), as kube-proxy does.
 */
public final class NftablesBackend implements ServiceProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(NftablesBackend.class);
    static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);
    static final Duration STALE_CHAIN_DELAY = Duration.ofSeconds(1);
    /** A first sync into a table that does not exist yet is sent in parts of this many operations. */
    static final int FIRST_LOAD_PART = 10_000;

    private final NftablesClient client;
    private final BackendContext context;
    private final KubeNftLayout layout;
    private final LongSupplier clock;
    private final List<ElementStore> stores = new ArrayList<>();
    private final Map<NftSet, ElementStore> storeOf = new HashMap<>();
    private final Map<String, Long> staleChains = new HashMap<>();
    private final AtomicLong syncFailures = new AtomicLong();
    private final AtomicLong cleanupFailures = new AtomicLong();
    private Map<String, Programmed> programmed = Map.of();
    private Set<String> ownChains = Set.of();
    private Set<String> ownAffinitySets = Set.of();
    private boolean needFullSync = true;
    private boolean baseChainsRecreated;
    private long lastFullSync;
    private List<IpAddress> lastNodeIps = List.of();
    private List<Cidr> lastServiceCidrs = List.of();
    private int lastOperations;

    /** A service as last programmed, with what it put in the table. */
    private record Programmed(VirtualService service, ServiceLayout layout) {
    }

    /**
     * The nftables backend for one family over a client (the kernel's, or {@link dev.svcproxy.nftables.FakeNftables}).
     *
     * @param client the nf_tables client of the target namespace
     * @param context the proxy's settings for this family
     */
    public NftablesBackend(NftablesClient client, BackendContext context) {
        this(client, context, System::nanoTime);
    }

    NftablesBackend(NftablesClient client, BackendContext context, LongSupplier clock) {
        this.client = client;
        this.context = context;
        this.layout = new KubeNftLayout(context);
        this.clock = clock;
        for (NftSet s : layout.serviceMaps()) {
            ElementStore store = new ElementStore(s);
            stores.add(store);
            storeOf.put(s, store);
        }
    }

    @Override
    public String name() {
        return NftablesBackendProvider.NAME;
    }

    @Override
    public List<BackendMetric> metrics() {
        return List.of(new BackendMetric("kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total",
                "Cumulative proxy nftables cleanup failures", cleanupFailures::get, true));
    }

    /**
     * Syncs that the kernel refused (kube-proxy's {@code kubeproxy_sync_proxy_rules_nftables_sync_failures_total}).
     *
     * @return syncs that the kernel refused (kube-proxy's {@code kubeproxy_sync_proxy_rules_nftables_sync_failures_total})
     */
    public long syncFailures() {
        return syncFailures.get();
    }

    /**
     * How many operations the last sync's transaction carried (a sync after one change carries that change only).
     *
     * @return how many operations the last sync's transaction carried (a sync after one change carries that change only)
     */
    public synchronized int lastOperations() {
        return lastOperations;
    }

    private static String key(VirtualService v) {
        return RefusedServices.key(v);
    }

    @Override
    public synchronized SyncResult sync(ServiceTable desired) {
        long start = clock.getAsLong();
        deleteStaleChains(start);
        boolean tableGone = !needFullSync && client.tables().stream()
                .noneMatch(t -> t.family() == layout.table().family() && t.name().equals(KubeNftLayout.TABLE));
        if (tableGone) {
            LOG.warn("the {} table is gone (flushed or deleted by someone else): syncing everything again", layout.table().reference());
        }
        boolean full = needFullSync || tableGone || start - lastFullSync > FULL_SYNC_PERIOD.toNanos()
                || !desired.nodeIps().equals(lastNodeIps) || !desired.serviceCidrs().equals(lastServiceCidrs);
        List<SyncResult.Skipped> refusedNow = new ArrayList<>();
        ServiceTable table = refused.withoutRefused(desired, refusedNow);
        for (int attempt = 0; ; attempt++) {
            try {
                SyncResult r = apply(table, full, start);
                List<SyncResult.Skipped> skipped = new ArrayList<>(refusedNow);
                skipped.addAll(r.skipped());
                return new SyncResult(r.full(), skipped, r.duration());
            } catch (SvcProxyException e) {
                syncFailures.incrementAndGet();
                Optional<VirtualService> culprit = attempt < MAX_REFUSALS_PER_SYNC ? culprit(e, table) : Optional.empty();
                if (culprit.isPresent()) {
                    // kube-proxy would fail the whole sync again and again; here the refused service alone is left out
                    VirtualService v = culprit.get();
                    LOG.warn("{}: the kernel refused its rules, syncing the others without it: {}", key(v), e.getMessage());
                    table = refused.refuse(table, v, e.getMessage(), refusedNow);
                } else if (!full) {
                    LOG.warn("a partial nftables sync failed ({}); trying a full one", e.getMessage());
                } else {
                    throw e;
                }
                full = true;
            }
        }
    }

    /** How many refused services one sync leaves out before it fails as a whole. */
    static final int MAX_REFUSALS_PER_SYNC = 8;
    private final RefusedServices refused = new RefusedServices(v -> Optional.ofNullable(programmed.get(key(v))).map(Programmed::service));

    /** The service whose chains or elements the refused operation names ({@code ns/name/proto/port} in every one of them). */
    private static Optional<VirtualService> culprit(SvcProxyException e, ServiceTable table) {
        String text = e.getMessage();
        for (VirtualService v : table.services()) {
            String id = v.name().namespace() + "/" + v.name().name() + "/" + v.protocol().lowerName() + "/" + v.name().portName();
            int at = text.indexOf(id);
            while (at >= 0) {
                int end = at + id.length();
                if (at > 0 && text.charAt(at - 1) == '-' && (end == text.length() || " _:,}\"".indexOf(text.charAt(end)) >= 0)) {
                    return Optional.of(v);
                }
                at = text.indexOf(id, at + 1);
            }
        }
        return Optional.empty();
    }

    private SyncResult apply(ServiceTable desired, boolean full, long start) {
        NftTransaction tx = NftTransaction.create();
        Optional<TableNames> existing = full ? client.names(layout.table().family(), KubeNftLayout.TABLE) : Optional.empty();
        if (full) {
            layout.setup(tx, !baseChainsRecreated, desired.nodeIps(), desired.serviceCidrs());
            stores.forEach(s -> s.reset(tx));
        }
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        Map<String, Programmed> now = new LinkedHashMap<>();
        Set<String> chains = new HashSet<>();
        Set<String> affinitySets = new HashSet<>();
        for (VirtualService v : desired.services()) {
            String k = key(v);
            Programmed before = programmed.get(k);
            boolean changed = before == null || !before.service().equals(v);
            Programmed p = before;
            if (changed) {
                try {
                    p = new Programmed(v, layout.service(v, desired.nodeIps()));
                } catch (SvcProxyException e) {
                    skipped.add(new SyncResult.Skipped(k, e.getMessage() + (before != null ? "; its last good rules stay" : "")));
                }
            }
            if (p == null) {
                continue;
            }
            now.put(k, p);
            p.layout().chains().forEach(c -> chains.add(c.name()));
            p.layout().affinitySets().forEach(s -> affinitySets.add(s.name()));
            p.layout().elements().forEach(e -> storeOf.get(e.map()).want(e.element()));
            if (full || before == null) {
                p.layout().write(tx);
            } else if (p != before) {
                p.layout().writeChanges(before.layout(), tx);
            }
        }
        Set<String> knownChains = existing.map(n -> Set.copyOf(n.chains())).orElse(ownChains);
        for (String c : knownChains) {
            if (KubeNftNames.isServiceChain(c) && !chains.contains(c) && !staleChains.containsKey(c)) {
                tx.flush(Chain.of(layout.table(), c));
                staleChains.put(c, start);
            }
        }
        staleChains.keySet().removeAll(chains);
        Set<String> knownSets = existing.map(n -> Set.copyOf(n.sets())).orElse(ownAffinitySets);
        for (String s : knownSets) {
            if (KubeNftNames.isAffinitySet(s) && !affinitySets.contains(s)) {
                tx.delete(NftSet.set(layout.table(), s, dev.svcproxy.nftables.DataType.IPV4_ADDR));
            }
        }
        stores.forEach(s -> s.diff(tx));
        try {
            if (full && existing.isEmpty() && tx.size() > FIRST_LOAD_PART) {
                // nothing depends on a table that does not exist yet: parts keep the kernel's per-batch costs down
                for (NftTransaction part : tx.split(FIRST_LOAD_PART)) {
                    client.apply(part);
                }
            } else {
                client.apply(tx);
            }
        } catch (SvcProxyException e) {
            needFullSync = true;
            stores.forEach(ElementStore::abandoned);
            staleChains.clear();
            throw e;
        }
        stores.forEach(ElementStore::committed);
        programmed = now;
        ownChains = chains;
        ownAffinitySets = affinitySets;
        needFullSync = false;
        lastOperations = tx.size();
        if (full) {
            lastFullSync = start;
            baseChainsRecreated = true;
            lastNodeIps = desired.nodeIps();
            lastServiceCidrs = desired.serviceCidrs();
        }
        return new SyncResult(full, skipped, Duration.ofNanos(clock.getAsLong() - start));
    }

    /** Deletes the chains that have been stale for a second or more, in a transaction of their own. */
    private void deleteStaleChains(long now) {
        List<String> due = staleChains.entrySet().stream().filter(e -> now - e.getValue() >= STALE_CHAIN_DELAY.toNanos())
                .map(Map.Entry::getKey).sorted().toList();
        if (due.isEmpty()) {
            return;
        }
        NftTransaction tx = NftTransaction.create();
        due.forEach(c -> tx.delete(Chain.of(layout.table(), c)));
        due.forEach(staleChains::remove);
        try {
            client.apply(tx);
            LOG.debug("deleted {} stale chains", due.size());
        } catch (SvcProxyException e) {
            cleanupFailures.incrementAndGet();
            LOG.warn("could not delete {} stale chains, will retry: {}", due.size(), e.getMessage());
            due.forEach(c -> staleChains.put(c, now));
        }
    }

    /** The transaction of a full sync into an empty namespace, as {@code nft -f} text (kube-proxy's dump shape). */
    @Override
    public String render(ServiceTable desired) {
        return renderTransaction(desired).toString();
    }

    /** {@link #render(ServiceTable)}, one command at a time. */
    @Override
    public void render(ServiceTable desired, Appendable out) throws java.io.IOException {
        renderTransaction(desired).renderTo(out);
    }

    private NftTransaction renderTransaction(ServiceTable desired) {
        NftTransaction tx = NftTransaction.create();
        layout.setup(tx, false, desired.nodeIps(), desired.serviceCidrs());
        Map<NftSet, List<dev.svcproxy.nftables.Element>> elements = new LinkedHashMap<>();
        for (VirtualService v : desired.services()) {
            try {
                ServiceLayout l = layout.service(v, desired.nodeIps());
                l.write(tx);
                l.elements().forEach(e -> elements.computeIfAbsent(e.map(), x -> new ArrayList<>()).add(e.element()));
            } catch (SvcProxyException e) {
                LOG.warn("skipped: {}: {}", key(v), e.getMessage());
            }
        }
        elements.forEach(tx::addElements);
        return tx;
    }

    /** This mode's state is its table. */
    @Override
    public boolean hasLeftovers() {
        return client.names(layout.table().family(), KubeNftLayout.TABLE).isPresent();
    }

    /**
     * Deletes the table (kube-proxy's nftables clean-up); nothing in it is shared with another mode. {@code delete}
     * rather than {@code destroy}, which kernels before 6.3 do not know, and a table already gone is no error.
     */
    @Override
    public synchronized void removeLeftovers(SharedState keep) {
        try {
            if (hasLeftovers()) {
                client.apply(NftTransaction.create().delete(layout.table()));
            }
        } catch (dev.svcproxy.api.NotFoundException e) {
            LOG.debug("the {} table was already gone", layout.table().reference());
        }
        needFullSync = true;
        baseChainsRecreated = false;
        programmed = Map.of();
        ownChains = Set.of();
        ownAffinitySets = Set.of();
        staleChains.clear();
    }

    @Override
    public void close() {
        client.close();
    }
}
