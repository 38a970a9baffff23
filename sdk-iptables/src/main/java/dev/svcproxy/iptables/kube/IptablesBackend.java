package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.model.ServiceTable;
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
    private final IptablesClient client;
    private final KubeProxyRules rules;

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

    @Override
    public synchronized SyncResult sync(ServiceTable desired) {
        long start = System.nanoTime();
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        Set<ChainName> existing = client.chains(Table.NAT);
        IptablesTransaction tx = rules.fullSync(desired, existing, skipped);
        client.apply(tx);
        for (KubeProxyRules.JumpRule j : rules.jumpRules()) {
            client.ensureRule(j.table(), j.rule(), true);
        }
        for (KubeProxyRules.JumpRule j : rules.kubeletJumpRules()) {
            client.ensureRule(j.table(), j.rule(), true);
        }
        skipped.forEach(s -> LOG.warn("skipped {}: {}", s.object(), s.reason()));
        LOG.debug("synced {} services ({} skipped)", desired.services().size(), skipped.size());
        return new SyncResult(true, skipped, Duration.ofNanos(System.nanoTime() - start));
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
                if (rules.ownedChains(t).contains(c) || t == Table.NAT && KubeChains.isServiceChain(c)) {
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
