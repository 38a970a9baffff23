package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
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
    private final KubeProxyRules rules;
    private boolean needFullSync = true;
    private long lastFullSync;
    private Map<ServicePortName, VirtualService> previous = Map.of();
    private int lastPayloadBytes;

    public IptablesBackend(IptablesClient client, BackendContext context) {
        if (client.family() != context.family()) {
            throw new dev.svcproxy.api.InvalidInputException("client is " + client.family() + " but the context is "
                    + context.family(), "iptables backend");
        }
        this.client = client;
        this.rules = new KubeProxyRules(context, client.capabilities().randomFully());
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
        boolean full = needFullSync || System.nanoTime() - lastFullSync > FULL_SYNC_PERIOD.toNanos() || flushedBehindOurBack();
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        Set<ChainName> existing = client.chains(Table.NAT);
        Map<ServicePortName, VirtualService> now = new HashMap<>();
        desired.services().forEach(v -> now.put(v.name(), v));
        IptablesTransaction tx;
        if (full) {
            tx = rules.fullSync(desired, existing, skipped);
        } else {
            Set<ServicePortName> changed = new HashSet<>();
            now.forEach((n, v) -> {
                if (!v.equals(previous.get(n))) {
                    changed.add(n);
                }
            });
            tx = rules.partialSync(desired, existing, skipped, changed);
        }
        try {
            client.apply(tx);
            if (full) {
                for (KubeProxyRules.JumpRule j : rules.jumpRules()) {
                    client.ensureRule(j.table(), j.rule(), true);
                }
                for (KubeProxyRules.JumpRule j : rules.kubeletJumpRules()) {
                    client.ensureRule(j.table(), j.rule(), true);
                }
                client.createCanary(KubeChains.CANARY, Table.NAT);
                client.ensureRule(Table.NAT, CANARY_RULE, false);
                lastFullSync = System.nanoTime();
            }
        } catch (RuntimeException e) {
            needFullSync = true;
            throw e;
        }
        needFullSync = false;
        previous = now;
        lastPayloadBytes = tx.render().length();
        skipped.forEach(s -> LOG.warn("skipped {}: {}", s.object(), s.reason()));
        LOG.debug("{} sync of {} services ({} skipped)", full ? "full" : "partial", desired.services().size(), skipped.size());
        return new SyncResult(full, skipped, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * True if the canary's rule is gone: someone flushed ({@code -F}) or deleted ({@code -X}) the nat table. kube-proxy
     * only notices a deleted canary chain; a rule in it also reveals a flush.
     */
    private boolean flushedBehindOurBack() {
        return !client.chainExists(Table.NAT, KubeChains.CANARY) || client.ensureRule(Table.NAT, CANARY_RULE, false);
    }

    /** The size in bytes of the last sync's restore payload (a partial sync's is much smaller). */
    public synchronized int lastPayloadBytes() {
        return lastPayloadBytes;
    }

    /** The {@code iptables-restore --noflush} payload of a full sync from scratch (no stale chains to delete). */
    @Override
    public String render(ServiceTable desired) {
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        String payload = rules.fullSync(desired, Set.of(), skipped).render();
        skipped.forEach(s -> LOG.warn("skipped {}: {}", s.object(), s.reason()));
        return payload;
    }

    @Override
    public synchronized void cleanup() {
        for (KubeProxyRules.JumpRule j : rules.jumpRules()) {
            if (client.chainExists(j.table(), j.rule().target().flatMap(t -> t.chain()).orElseThrow())) {
                client.deleteRule(j.table(), j.rule());
            }
        }
        IptablesTransaction tx = client.newTransaction();
        for (Table t : List.of(Table.NAT, Table.FILTER)) {
            for (ChainName c : client.chains(t)) {
                if (rules.ownedChains(t).contains(c) || t == Table.NAT && (KubeChains.isServiceChain(c) || c.equals(KubeChains.CANARY))) {
                    tx.deleteChain(t, c);
                }
            }
        }
        client.apply(tx);
    }

    /** The jump rules this backend keeps in the built-in chains. */
    public List<Rule> jumpRules() {
        return rules.jumpRules().stream().map(KubeProxyRules.JumpRule::rule).toList();
    }
}
