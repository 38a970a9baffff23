// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.BackendMetric;
import dev.svcproxy.api.spi.RefusedServices;
import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.RestoreRefusedException;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.internal.Daemon;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's iptables mode over any {@link IptablesClient} (the kernel's or {@link dev.svcproxy.iptables.FakeIptables}):
 * each sync ensures the jump rules and applies one full restore of the {@link KubeProxyRules} layout.
 */
public final class IptablesBackend implements ServiceProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesBackend.class);
    static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);
    static final Rule CANARY_RULE = Rule.in(KubeChains.CANARY).comment("svcproxy canary: if this is gone, the table was flushed")
            .noTarget();
    private final IptablesClient client;
    private final BackendContext context;
    private final Optional<NodeKernel> kernel;
    private KubeProxyRules rules;
    /** How many refused services one sync leaves out before it gives up and fails as a whole. */
    static final int MAX_REFUSALS_PER_SYNC = 8;
    /**
     * The smallest part of a first load, in chains or rules per restore call. iptables-nft's {@code --noflush} costs
     * more than linearly in one call's size, and each call also reads the table so far: parts of about
     * {@code 12 x sqrt(operations)} balance the two (measured, services x 10 endpoints: 1,000 load in 1.2-1.4 s in
     * parts of 2,000 against 5.1-5.6 s in one call; 10,000 in 17.9 s in parts of 8,000, 29.3 s in parts of 2,000,
     * 25.8 s in parts of 20,000, and not within 12 minutes in one call).
     */
    static final int FIRST_LOAD_PART = 2000;
    /**
     * The services per batch of a full sync on iptables-legacy over a table that holds the chains: the tool parses one
     * batch while the next is built, and what it has not yet read (a pipe's 64 KiB, about 9 ms of its work) must last
     * while a batch of services is built with nothing cached (about 0.15 ms each at 10,000 services).
     */
    static final int FULL_SYNC_BATCH = 50;
    /**
     * A partial sync on iptables-nft of more than this many parts' operations goes in parts of whole chains, as a full
     * sync over rules in use does ({@link IptablesTransaction#splitByChain}), of the size a full sync of the table
     * would use ({@link #firstLoadPart} of four operations per chain: about 8,000 at 10,000 services). Each call costs
     * more than linearly in its size, and also a fixed part that grows with the table (the tool's read of its chains:
     * about 0.5 s at 10,000 services): syncs of about 600 changed services there took 9.6 s on average in one call
     * (under longer churn they grew until one took 183 s), 8.5 s in parts of 2,000 operations and 5.0 s in parts of
     * 8,000 (ChurnBench). At 1,000 services a sync of 150 changed services is faster in one call (0.49 s against
     * 0.56 s in parts), so a partial sync stays one atomic restore unless it is several parts long: some 400 changed
     * services at 10,000.
     */
    static final int PARTIAL_SYNC_PARTS = 3;
    /** The chain declarations in one part of a first load on iptables-nft ({@link IptablesTransaction#split(int, int)}). */
    static final int FIRST_LOAD_DECLARATIONS = 1500;

    static int firstLoadPart(int operations) {
        return Math.max(FIRST_LOAD_PART, (int) (12 * Math.sqrt(operations)));
    }
    private final RefusedServices refused = new RefusedServices(v -> Optional.ofNullable(this.previous.get(v.name())));
    private boolean needFullSync = true;
    private boolean prepared;
    private long lastFullSync;
    private long lastCanaryCheck;
    private Map<ServicePortName, VirtualService> previous = Map.of();
    /** Rules per chain of this backend's chains, by table, as its syncs left them. */
    private final Map<String, Map<ChainName, Integer>> owned = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong partialRestoreFailures = new java.util.concurrent.atomic.AtomicLong();
    private Set<ChainName> ownChains = Set.of();
    private int lastPayloadBytes;
    /** The bytes the last sync's restores were given when it restored in parts, else -1 (one restore: its payload). */
    private long restoredInParts = -1;

    /**
     * A backend over {@code client} (the kernel's or a fake) that touches nothing but iptables: no sysctls, no nfacct
     * counters ({@link KubeProxyRules.KernelFacts#none()}). {@link IptablesBackendProvider} makes backends that also
     * own the namespace's prerequisites.
     *
     * @param client the client
     * @param context the proxy's settings for the family
     */
    public IptablesBackend(IptablesClient client, BackendContext context) {
        this(client, context, Optional.empty());
    }

    IptablesBackend(IptablesClient client, BackendContext context, Optional<NodeKernel> kernel) {
        if (client.family() != context.family()) {
            throw new dev.svcproxy.api.InvalidInputException("client is " + client.family() + " but the context is "
                    + context.family(), "iptables backend");
        }
        this.client = client;
        this.context = context;
        this.kernel = kernel;
        this.rules = new KubeProxyRules(context, client.capabilities().randomFully(),
                kernel.map(NodeKernel::facts).orElse(KubeProxyRules.KernelFacts.none()));
    }

    /**
     * kube-proxy's start in iptables mode: the nfacct counters are made, {@code route_localnet=1} is set when
     * localhost node ports are on (IPv4), then the kernel facts the rules depend on are read again.
     */
    @Override
    public synchronized List<String> prepare() {
        if (kernel.isEmpty()) {
            return List.of();
        }
        List<String> warnings = kernel.get().prepare(rules.localhostNodePorts());
        rules = new KubeProxyRules(context, client.capabilities().randomFully(), kernel.get().facts());
        needFullSync = true;
        prepared = true;
        return warnings;
    }

    @Override
    public List<BackendMetric> metrics() {
        List<BackendMetric> out = new ArrayList<>(kernel.map(NodeKernel::metrics).orElse(List.of()));
        out.add(new BackendMetric("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total",
                "Cumulative proxy iptables partial restore failures", partialRestoreFailures::get, true));
        return out;
    }

    @Override
    public String name() {
        return IptablesBackendProvider.NAME;
    }

    /**
     * Syncs {@code desired}: a full sync the first time, after a failure, when the canary shows that someone
     * flushed the nat table, and at least hourly; otherwise a partial sync that rewrites only the chains of the
     * services that changed since the last sync (kube-proxy's MinimizeIPTablesRestore). Jump rules are ensured on
     * full syncs.
     */
    @Override
    public synchronized SyncResult sync(ServiceTable desired) {
        long start = System.nanoTime();
        List<SyncResult.Skipped> refusedNow = new ArrayList<>();
        ServiceTable table = refused.withoutRefused(desired, refusedNow);
        for (int attempt = 0; ; attempt++) {
            try {
                return apply(table, start, refusedNow);
            } catch (RestoreRefusedException e) {
                Optional<VirtualService> culprit = e.failedOperation().flatMap(IptablesBackend::ruleOf).flatMap(rules::serviceOf);
                if (culprit.isEmpty() || attempt >= MAX_REFUSALS_PER_SYNC) {
                    throw e;
                }
                // kube-proxy falls back to a full sync and fails again; here the refused service alone is left out
                VirtualService v = culprit.get();
                LOG.warn("{}: the kernel refused its rules, syncing the others without it: {}", v.name(), e.getMessage());
                table = refused.refuse(table, v, e.kernelMessage().strip(), refusedNow);
            }
        }
    }

    private static Optional<Rule> ruleOf(IptablesTransaction.Op op) {
        return op instanceof IptablesTransaction.Append a ? Optional.of(a.rule())
                : op instanceof IptablesTransaction.Insert i ? Optional.of(i.rule()) : Optional.empty();
    }

    private SyncResult apply(ServiceTable desired, long start, List<SyncResult.Skipped> alreadySkipped) {
        Map<ServicePortName, VirtualService> now = new HashMap<>();
        desired.services().forEach(v -> now.put(v.name(), v));
        Set<ServicePortName> changed = new HashSet<>();
        now.forEach((n, v) -> {
            if (!v.equals(previous.get(n))) {
                changed.add(n);
            }
        });
        boolean removed = previous.keySet().stream().anyMatch(n -> !now.containsKey(n));
        long clock = System.nanoTime();
        boolean due = needFullSync || clock - lastFullSync > FULL_SYNC_PERIOD.toNanos();
        // kube-proxy's canary monitor looks every syncPeriod, whatever else happens; here an idle resync looks, and
        // under churn a sync looks once a syncPeriod has passed since the last look. One `iptables -C` of the canary's
        // rule: a flush (-F) or a deletion (-X) of the nat table removes it.
        boolean canaryDue = !due && (changed.isEmpty() && !removed || clock - lastCanaryCheck >= context.syncPeriod().toNanos());
        boolean flushed = canaryDue && !client.ruleExists(Table.NAT, CANARY_RULE);
        if (canaryDue) {
            lastCanaryCheck = clock;
        }
        boolean full = due || flushed;
        // a full sync reads the kernel (one iptables-save of nat and one of filter's built-in chains), while it builds;
        // a partial sync trusts the chains this backend wrote last time, as kube-proxy's partial syncs do. Where the
        // client answers a save of nat from the read its write of nat makes (legacy, nat written without the tool),
        // nat is read once that write has begun (from a restart's and the hourly sync's lastly callback, below)
        boolean natReadInWrite = full && client.flavour() == Flavour.LEGACY && client.inputMayWait()
                && client.savesFromTheWrite(Table.NAT);
        CompletableFuture<Ruleset> natRead = !full ? null : natReadInWrite ? new CompletableFuture<>() : readNat(new CompletableFuture<>());
        CompletableFuture<Ruleset> filterRead = full
                ? Daemon.supply("svcproxy-iptables-read", () -> client.save(Table.FILTER, Table.FILTER::isBuiltin)) : null;
        List<SyncResult.Skipped> skipped = new ArrayList<>(alreadySkipped);
        Set<ChainName> wanted = new LinkedHashSet<>(ownChains.size() * 4 / 3 + 16); // as many as last time: no rehashing
        IptablesTransaction tx = full ? IptablesTransaction.create(context.family())
                : rules.partialSync(desired, ownChains, skipped, changed, wanted);
        try {
            if (!full) {
                tx.knownToExist(Table.NAT, ownChains);
                int part = firstLoadPart(Math.max(tx.operations().size(), 4 * ownChains.size()));
                if (client.flavour() == Flavour.NFT && tx.operations().size() > PARTIAL_SYNC_PARTS * part) {
                    applyInParts(tx, part); // many services changed at once: whole chains per part, as a full sync goes
                } else {
                    client.apply(tx);
                }
            } else {
                List<KubeProxyRules.JumpRule> jumps = allJumps();
                // what only the reads decide (nat's stale chains' deletions, the missing jumps of nat and filter, the
                // canary) goes at the end of the tables' blocks in the same restore, nat's block first, so a failed
                // read commits nothing
                java.util.function.Consumer<IptablesTransaction> late = t -> {
                    completeNat(t, join(natRead), wanted, jumps);
                    BuiltinJumps.insertMissing(client, t, jumps, Table.FILTER, join(filterRead));
                };
                if (client.flavour() == Flavour.LEGACY && client.inputMayWait()) {
                    if (ownChains.isEmpty() && !join(filterRead).chains(Table.FILTER).containsKey(KubeChains.FORWARD)) {
                        if (natReadInWrite) { // nothing to share: the writer reads the empty table after the build
                            readNat(natRead);
                        }
                        // a first load: legacy adds new chains cheaply only in descending order (orderFor), so the
                        // tool could take no line before the whole table is built; it then reads it whole, alone,
                        // from a file, which it parses faster than a pipe written beside it (ExecIptablesClient)
                        rules.fullSyncInto(tx, desired, skipped, wanted);
                        late.accept(tx);
                        client.apply(tx);
                    } else {
                        // a proxy synced here before (a restart, the hourly sync): one restore, its tool started
                        // before the build reads the nat table it rewrites (0.48 s of 10,000 services) while the rules
                        // are built; the table holds the chains, so their lines need no one order, and the tool
                        // parses each batch while the next is built. nat is read from the callback where the write's
                        // read answers it (one read instead of two, which the kernel runs one after the other, the
                        // build waiting behind them)
                        client.apply(tx.lastly(Table.NAT, t -> {
                            if (natReadInWrite) {
                                readNat(natRead);
                            }
                            rules.fullSyncInBatches(t, desired, skipped, wanted, FULL_SYNC_BATCH, late);
                        }));
                    }
                } else if (client.flavour() == Flavour.LEGACY) {
                    tx = restoreWithinTheAlarm(tx, desired, skipped, alreadySkipped, wanted, natRead, filterRead, late);
                } else if (ownChains.isEmpty() && !client.chainExists(Table.NAT, KubeChains.SERVICES)) {
                    // a first load (a new or rebooted node, after --cleanup): no traffic depends on atomicity yet, so
                    // what the client writes directly goes while the next services are built, the rest after
                    rules.fullSyncInBatches(tx, desired, skipped, wanted, FULL_SYNC_BATCH, late);
                    applyFirstLoad(tx);
                } else {
                    rules.fullSyncInto(tx, desired, skipped, wanted); // while the tables are read
                    if (tx.operations().size() > FIRST_LOAD_PART) {
                        late.accept(tx);
                        applyInParts(tx, !join(natRead).chains(Table.NAT).containsKey(KubeChains.SERVICES));
                    } else {
                        client.apply(tx.lastly(Table.NAT, late)); // iptables-nft (no lock) parses while the tables are read
                    }
                }
            }
        } catch (RuntimeException e) {
            needFullSync = true;
            restoredInParts = -1;
            if (!full) {
                partialRestoreFailures.incrementAndGet();
            }
            throw e;
        }
        if (full) {
            owned.clear();
        }
        Map<String, Integer> written = count(tx);
        if (full) {
            lastFullSync = System.nanoTime();
            lastCanaryCheck = lastFullSync; // it wrote the canary's rule
        }
        needFullSync = false;
        previous = now;
        ownChains = wanted;
        lastPayloadBytes = (int) (restoredInParts >= 0 ? restoredInParts : tx.renderedLength());
        restoredInParts = -1;
        skipped.forEach(s -> LOG.debug("skipped {}: {} (in the sync result)", s.object(), s.reason()));
        LOG.debug("{} sync of {} services ({} skipped)", full ? "full" : "partial", desired.services().size(), skipped.size());
        return new SyncResult(full, skipped, Duration.ofNanos(System.nanoTime() - start), written, ruleTotals());
    }

    /**
     * Counts, in one pass over {@code tx}: the rules of this backend's own chains after it, chain by chain (the
     * built-in chains' jumps are not its); returns the rules it wrote, by table (kube-proxy's
     * {@code kubeproxy_sync_proxy_rules_iptables_last}).
     */
    private Map<String, Integer> count(IptablesTransaction tx) {
        int[] written = new int[Table.values().length];
        Map<ChainName, Integer> chains = null;
        Table table = null;
        for (IptablesTransaction.Op op : tx.operations()) {
            if (op.table() != table) {
                table = op.table();
                chains = owned.computeIfAbsent(table.tableName(), t -> new HashMap<>());
            }
            if (op instanceof IptablesTransaction.FlushChain f) {
                chains.put(f.chain(), 0);
            } else if (op instanceof IptablesTransaction.DeleteChain d) {
                chains.remove(d.chain());
            } else if (op instanceof IptablesTransaction.Append a) {
                written[table.ordinal()]++;
                if (!table.isBuiltin(a.rule().chain())) {
                    chains.merge(a.rule().chain(), 1, Integer::sum);
                }
            } else if (op instanceof IptablesTransaction.Insert) {
                written[table.ordinal()]++;
            }
        }
        Map<String, Integer> out = new HashMap<>();
        for (Table t : Table.values()) {
            if (written[t.ordinal()] > 0) {
                out.put(t.tableName(), written[t.ordinal()]);
            }
        }
        return out;
    }

    /** kube-proxy's {@code kubeproxy_sync_proxy_rules_iptables_total}: the rules this backend's chains hold, by table. */
    private Map<String, Integer> ruleTotals() {
        Map<String, Integer> totals = new HashMap<>();
        owned.forEach((t, chains) -> totals.put(t, chains.values().stream().mapToInt(Integer::intValue).sum()));
        return totals;
    }

    private boolean present(Ruleset state, Table table, Rule rule) {
        return BuiltinJumps.present(client, state, table, rule);
    }

    /**
     * The end of a full sync's nat block, once the table has been read: the stale chains' deletions, the missing jump
     * rules (kube-proxy's and kubelet's) and the canary chain with its rule.
     */
    private void completeNat(IptablesTransaction tx, Ruleset nat, Set<ChainName> wanted, List<KubeProxyRules.JumpRule> jumps) {
        Set<ChainName> existing = nat.chains(Table.NAT).keySet();
        rules.deleteStale(tx, existing, wanted);
        tx.knownToExist(Table.NAT, existing);
        BuiltinJumps.insertMissing(client, tx, jumps, Table.NAT, nat);
        if (!present(nat, Table.NAT, CANARY_RULE)) {
            tx.flushChain(Table.NAT, KubeChains.CANARY);
            tx.append(Table.NAT, CANARY_RULE);
        }
    }

    private List<KubeProxyRules.JumpRule> allJumps() {
        List<KubeProxyRules.JumpRule> jumps = new ArrayList<>(rules.jumpRules());
        jumps.addAll(rules.kubeletJumpRules());
        return jumps;
    }

    /**
     * A large full sync on iptables-nft, whose {@code --noflush} costs more than linearly in one call's size: a first
     * load (no KUBE-SERVICES yet: nothing can depend on these rules) written directly where the client can
     * ({@link IptablesClient#writeDirectly}), the rest in parts, the built-in chains' jumps last, so no
     * packet enters a chain before it is complete (legacy's calls each rewrite the whole table, so there one call is
     * fastest); a full sync over rules in use (a restart, the hourly sync, after a failure), or a large partial sync
     * ({@link #PARTIAL_SYNC_PARTS}), in parts of whole chains,
     * each chain after the chains it jumps to, the jumps and the stale chains' deletion last. A failure part-way
     * leaves the next sync a full one over existing chains.
     */
    private void applyInParts(IptablesTransaction tx, boolean firstLoad) {
        if (firstLoad) {
            applyFirstLoad(tx);
            return;
        }
        applyInParts(tx, firstLoadPart(tx.operations().size()));
    }

    /** {@code tx} in parts of whole chains of at most {@code opsPerPart} operations ({@link IptablesTransaction#splitByChain}). */
    private void applyInParts(IptablesTransaction tx, int opsPerPart) {
        restoredInParts = 0;
        for (IptablesTransaction p : tx.splitByChain(opsPerPart)) {
            client.apply(p);
            restoredInParts += p.renderedLength(); // cached by the restore, which rendered it
        }
    }

    /**
     * A first load: what the client writes directly ({@link IptablesClient#writeDirectly}: iptables-nft 1.8.9, over
     * netlink, as {@code tx}'s batches are built), then the rest in one restore, or in parts if it is large (the
     * built-in chains' jumps last).
     */
    private void applyFirstLoad(IptablesTransaction tx) {
        IptablesTransaction rest = client.writeDirectly(tx);
        int size = rest.operations().size();
        restoredInParts = 0;
        for (IptablesTransaction p : size <= FIRST_LOAD_PART ? List.of(rest)
                : rest.split(FIRST_LOAD_DECLARATIONS, firstLoadPart(size))) {
            client.apply(p);
            restoredInParts += p.renderedLength(); // cached by the restore, which rendered it
        }
    }

    /**
     * How long a full sync on iptables-legacy before 1.8.5 lets its restore wait for the reads of the tables at the end
     * of nat's block. {@code iptables-legacy-restore -w 5} arms a 5-second alarm when it takes the xtables lock at
     * {@code *nat}, and if its read of standard input is waiting when the alarm goes off, that read ends as if the input
     * had ({@code COMMIT expected}, nothing applied). From 1.8.5 the exec client takes the lock for the tool, which
     * then has no alarm ({@link IptablesClient#inputMayWait()}); before, the tool starts once the rules are built, so
     * it waits only for the reads, and never past this bound, which the clock starts before the tool does.
     */
    static final Duration LEGACY_WAIT_FOR_READS = Duration.ofSeconds(4);

    /**
     * A full sync on iptables-legacy before 1.8.5, whose restore ends a pausing input ({@link #LEGACY_WAIT_FOR_READS}):
     * the rules built before the tool starts, the reads awaited at most until the bound, else the restore given up
     * (nothing applied) and made again once they are done. Returns the transaction applied.
     */
    private IptablesTransaction restoreWithinTheAlarm(IptablesTransaction tx, ServiceTable desired, List<SyncResult.Skipped> skipped,
                                                      List<SyncResult.Skipped> alreadySkipped, Set<ChainName> wanted,
                                                      CompletableFuture<Ruleset> natRead, CompletableFuture<Ruleset> filterRead,
                                                      java.util.function.Consumer<IptablesTransaction> late) {
        rules.fullSyncInto(tx, desired, skipped, wanted); // while the tables are read
        long deadline = System.nanoTime() + LEGACY_WAIT_FOR_READS.toNanos();
        try { // the tool parses the rules while the reads end, if they end in time
            client.apply(tx.lastly(Table.NAT, t -> {
                awaitUntil(natRead, deadline);
                awaitUntil(filterRead, deadline);
                late.accept(t);
            }));
            return tx;
        } catch (ReadsTooSlow e) { // nothing was applied: once the reads are done, the same again
            LOG.debug("the reads of the tables took longer than {}: restoring once they are done", LEGACY_WAIT_FOR_READS);
            join(natRead);
            join(filterRead);
            skipped.retainAll(alreadySkipped); // the build below reports its own again
            wanted.clear();
            IptablesTransaction again = rules.fullSyncInto(IptablesTransaction.create(context.family()), desired, skipped, wanted);
            late.accept(again);
            client.apply(again);
            return again;
        }
    }

    /** The reads of the tables did not end within {@link #LEGACY_WAIT_FOR_READS}: the restore is given up. */
    private static final class ReadsTooSlow extends RuntimeException {
        ReadsTooSlow() {
            super("the reads of the tables did not end in time", null, false, false);
        }
    }

    /** Starts reading nat (every chain; the rules of the built-in chains and the canary's) into {@code into}. */
    private CompletableFuture<Ruleset> readNat(CompletableFuture<Ruleset> into) {
        return Daemon.supply("svcproxy-iptables-read", into,
                () -> client.save(Table.NAT, c -> Table.NAT.isBuiltin(c) || c.equals(KubeChains.CANARY)));
    }

    /** Waits for {@code read} until {@code deadline} (a {@link System#nanoTime()}); its own failure is thrown as it is. */
    private static void awaitUntil(CompletableFuture<Ruleset> read, long deadline) {
        try {
            read.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ReadsTooSlow();
        } catch (java.util.concurrent.ExecutionException e) {
            join(read); // its own exception
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.svcproxy.api.SvcProxyException("interrupted while reading the tables", "iptables-save", e);
        }
    }

    /** The read's result, or its own exception (a kernel refusal keeps its type). */
    private static Ruleset join(CompletableFuture<Ruleset> read) {
        try {
            return read.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Makes the next sync a full one, as kube-proxy's hourly sync is: it reads the tables and repairs whatever was
     * changed behind the proxy's back (a program that knows it changed them, or a benchmark of that sync, calls this).
     */
    public synchronized void fullSyncNext() {
        needFullSync = true;
    }

    /**
     * The size in bytes of the last sync's restore payloads (a partial sync's is much smaller; a first load written
     * directly ({@link IptablesClient#writeDirectly}) counts only what it left to the tool).
     *
     * @return the size in bytes of the last sync's restore payloads
     */
    public synchronized int lastPayloadBytes() {
        return lastPayloadBytes;
    }

    /**
     * The {@code iptables-restore --noflush} payload of a full sync from scratch (no stale chains to delete), as it
     * will be once {@link #prepare()} has run: with the nfacct counters it makes, where nfacct can be used.
     */
    @Override
    public String render(ServiceTable desired) {
        return renderTransaction(desired).render();
    }

    /** {@link #render(ServiceTable)}, line by line. */
    @Override
    public void render(ServiceTable desired, Appendable out) throws IOException {
        renderTransaction(desired).renderTo(out);
    }

    private IptablesTransaction renderTransaction(ServiceTable desired) {
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        KubeProxyRules renderRules = prepared || kernel.isEmpty() ? rules
                : new KubeProxyRules(context, client.capabilities().randomFully(), kernel.get().factsOncePrepared(context.tcpBeLiberal()));
        IptablesTransaction tx = renderRules.fullSync(desired, Set.of(), skipped);
        skipped.forEach(s -> LOG.warn("skipped: {}: {}", s.object(), s.reason()));
        return tx.orderFor(client.flavour()); // as the client writes it to its tool
    }

    /** kube-proxy's iptables clean-up, and the nfacct counters. */
    @Override
    public synchronized void cleanup() {
        removeLeftovers(SharedState.none());
        kernel.ifPresent(NodeKernel::deleteCounters);
    }

    /** The chains and jump rules that kube-proxy's other iptables-based mode (IPVS) writes word for word too. */
    @Override
    public SharedState sharedState() {
        return BuiltinJumps.sharedState(rules::ownedChains, rules.jumpRules(), client.family());
    }

    /**
     * Removes this mode's state but what another mode shares with it: jump rules and chains {@code keep} names
     * (after another mode's first sync has rewritten the shared ones, so nothing still refers to what goes).
     */
    @Override
    public synchronized void removeLeftovers(SharedState keep) {
        BuiltinJumps.remove(client, rules.jumpRules(), this::owns, keep);
        needFullSync = true;
    }

    private boolean owns(Table t, ChainName c) {
        return rules.ownedChains(t).contains(c) || t == Table.NAT && (KubeChains.isServiceChain(c) || c.equals(KubeChains.CANARY));
    }

    /** Whether a chain this mode owns exists (one {@code iptables-save} of nat): then there is state to remove. */
    @Override
    public boolean hasLeftovers() {
        return client.chains(Table.NAT).stream().anyMatch(c -> owns(Table.NAT, c));
    }

    /** Deletes this mode's jump rules and empties its chains, so that nothing refers to another mode's state. */
    @Override
    public synchronized void unlink() {
        BuiltinJumps.unlink(client, rules.jumpRules(), this::owns);
        needFullSync = true;
    }

    @Override
    public void close() {
        kernel.ifPresent(NodeKernel::close);
    }

    /**
     * The jump rules this backend keeps in the built-in chains.
     *
     * @return the jump rules this backend keeps in the built-in chains
     */
    public List<Rule> jumpRules() {
        return rules.jumpRules().stream().map(KubeProxyRules.JumpRule::rule).toList();
    }
}
