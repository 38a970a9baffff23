// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.Target;
import java.util.ArrayList;
import java.util.Arrays;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import dev.svcproxy.api.spi.Scheduler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes a {@link ServiceTable} as kube-proxy's iptables mode does, rule for rule: nat {@code KUBE-SERVICES ->
 * KUBE-SVC-* -> KUBE-SEP-*} with {@code -m statistic} splits, {@code KUBE-MARK-MASQ} and {@code KUBE-POSTROUTING},
 * filter REJECT rules for services without endpoints and {@code KUBE-FORWARD}.
 *
 * <p>Per service port ({@link KubeServiceRules}): cluster IPs, external IPs, load-balancer IPs with source ranges
 * ({@code KUBE-FW-*}, {@code KUBE-PROXY-FIREWALL}), node ports ({@code KUBE-NODEPORTS}, {@code KUBE-EXT-*}),
 * internal and external traffic policy Local ({@code KUBE-SVL-*}, DROP without local endpoints), REJECT without
 * endpoints, the health-check node port, masquerade (local-traffic detection, masqueradeAll, hairpin), ClientIP
 * affinity ({@code -m recent}) and scheduler weights.
 */
public final class KubeProxyRules {
    /** The nfacct counter of packets dropped as ct INVALID. */
    public static final String COUNTER_INVALID = "ct_state_invalid_dropped_pkts";
    /** The nfacct counter of packets accepted on localhost node ports. */
    public static final String COUNTER_LOCALHOST = "localhost_nps_accepted_pkts";
    /**
     * kube-proxy's {@code largeClusterEndpointsThreshold}: with more endpoints than this in all, the per-endpoint
     * rules ({@code KUBE-SVC -> KUBE-SEP} and the {@code KUBE-SEP} rules) carry no comment.
     */
    public static final int LARGE_CLUSTER_ENDPOINTS = 1000;

    /** A jump rule kube-proxy ensures from a built-in chain into its own, with its table. */
    public record JumpRule(Table table, Rule rule) {
    }

    /**
     * What kube-proxy reads from the kernel before writing its rules: {@code nf_conntrack_tcp_be_liberal} is 1 (then
     * no ct INVALID drop rule), and which of its two nfacct counters exist (rules count into them only then).
     */
    public record KernelFacts(boolean tcpBeLiberal, boolean counterInvalid, boolean counterLocalhost) {
        /**
         * Nothing known: the INVALID drop rule, no counters.
         *
         * @return the facts
         */
        public static KernelFacts none() {
            return new KernelFacts(false, false, false);
        }
    }

    private final IpFamily family;
    private final BackendContext context;
    private final boolean randomFully;
    private final KernelFacts facts;
    /** The rules each service had in the last sync, for services that did not change. */
    private Map<VirtualService, Object[]> cache = Map.of();
    private List<IpAddress> cachedNodeIps = List.of();
    private boolean cachedLargeCluster;

    /**
     * The rules for {@code context} with {@link KernelFacts#none()}.
     *
     * @param context the proxy's settings for the family
     * @param randomFully whether MASQUERADE picks source ports fully at random
     */
    public KubeProxyRules(BackendContext context, boolean randomFully) {
        this(context, randomFully, KernelFacts.none());
    }

    /**
     * The rules for {@code context}; {@code randomFully} when iptables supports {@code --random-fully}.
     *
     * @param context the proxy's settings for the family
     * @param randomFully whether MASQUERADE picks source ports fully at random
     * @param facts what the kernel offers
     */
    public KubeProxyRules(BackendContext context, boolean randomFully, KernelFacts facts) {
        this.family = context.family();
        this.context = context;
        this.randomFully = randomFully;
        this.facts = facts;
    }

    /**
     * The service whose rules, as the last sync wrote them, include {@code rule} (a refused one, say).
     *
     * @param rule the rule
     * @return the service whose rules, as the last sync wrote them, include {@code rule} (a refused one, say)
     */
    public synchronized Optional<VirtualService> serviceOf(Rule rule) {
        return cache.entrySet().stream().filter(e -> Arrays.stream(e.getValue()).anyMatch(op -> rule.equals(op)
                || op instanceof KubeServiceRules.Filter f && rule.equals(f.rule()))).map(Map.Entry::getKey).findFirst();
    }

    /**
     * The rules of kube-proxy's jumps from the built-in chains into its own.
     *
     * @return the rules of kube-proxy's jumps from the built-in chains into its own
     */
    public List<JumpRule> jumpRules() {
        return List.of(
                new JumpRule(Table.FILTER, Rule.in("INPUT").ctstate(Match.CtState.NEW)
                        .comment("kubernetes externally-visible service portals").jump(KubeChains.EXTERNAL_SERVICES)),
                new JumpRule(Table.FILTER, Rule.in("FORWARD").ctstate(Match.CtState.NEW)
                        .comment("kubernetes externally-visible service portals").jump(KubeChains.EXTERNAL_SERVICES)),
                new JumpRule(Table.FILTER, Rule.in("INPUT").comment("kubernetes health check service ports").jump(KubeChains.NODEPORTS)),
                new JumpRule(Table.FILTER, Rule.in("FORWARD").ctstate(Match.CtState.NEW)
                        .comment("kubernetes service portals").jump(KubeChains.SERVICES)),
                new JumpRule(Table.FILTER, Rule.in("OUTPUT").ctstate(Match.CtState.NEW)
                        .comment("kubernetes service portals").jump(KubeChains.SERVICES)),
                new JumpRule(Table.FILTER, Rule.in("FORWARD").comment("kubernetes forwarding rules").jump(KubeChains.FORWARD)),
                new JumpRule(Table.FILTER, Rule.in("INPUT").ctstate(Match.CtState.NEW)
                        .comment("kubernetes load balancer firewall").jump(KubeChains.PROXY_FIREWALL)),
                new JumpRule(Table.FILTER, Rule.in("OUTPUT").ctstate(Match.CtState.NEW)
                        .comment("kubernetes load balancer firewall").jump(KubeChains.PROXY_FIREWALL)),
                new JumpRule(Table.FILTER, Rule.in("FORWARD").ctstate(Match.CtState.NEW)
                        .comment("kubernetes load balancer firewall").jump(KubeChains.PROXY_FIREWALL)),
                new JumpRule(Table.NAT, Rule.in("OUTPUT").comment("kubernetes service portals").jump(KubeChains.SERVICES)),
                new JumpRule(Table.NAT, Rule.in("PREROUTING").comment("kubernetes service portals").jump(KubeChains.SERVICES)),
                new JumpRule(Table.NAT, Rule.in("POSTROUTING").comment("kubernetes postrouting rules").jump(KubeChains.POSTROUTING)));
    }

    /** The node-port addresses: none given (or 0.0.0.0/0, ::/0) means every local address. */
    private boolean nodePortsMatchAll() {
        return context.nodePortAddresses().stream().noneMatch(c -> c.family() == family)
                || context.nodePortAddresses().stream().anyMatch(c -> c.family() == family && c.prefixLength() == 0);
    }

    /**
     * Whether IPv4 localhost node ports are on: {@code iptables.localhostNodePorts} ({@link BackendContext#localhostNodePorts()},
     * default true) and the node-port addresses include 127.0.0.1. Needs {@code net.ipv4.conf.all.route_localnet=1}.
     *
     * @return whether IPv4 localhost node ports are on
     */
    public boolean localhostNodePorts() {
        IpAddress lo = IpAddress.parse("127.0.0.1");
        return family == IpFamily.IPV4 && context.localhostNodePorts()
                && (nodePortsMatchAll() || context.nodePortAddresses().stream().anyMatch(c -> c.contains(lo)));
    }

    /** The last rule(s) of nat KUBE-SERVICES: to KUBE-NODEPORTS for local addresses, or for each node-port address. */
    private void writeNodePortJumps(IptablesTransaction tx, List<IpAddress> nodeIps) {
        String comment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";
        if (nodePortsMatchAll()) {
            Rule.Builder b = Rule.in(KubeChains.SERVICES).comment(comment).dstType(Match.AddrType.LOCAL);
            if (family == IpFamily.IPV6 || !localhostNodePorts()) {
                b.destination(family.loopback(), true); // IPv6 never has localhost node ports
            }
            tx.append(Table.NAT, b.jump(KubeChains.NODEPORTS));
            return;
        }
        List<IpAddress> ips = new ArrayList<>(nodeIps);
        if (localhostNodePorts()) {
            ips.add(IpAddress.parse("127.0.0.1"));
        }
        for (IpAddress ip : ips) {
            if (ip.family() == family && context.nodePortAddresses().stream().anyMatch(c -> c.contains(ip))) {
                tx.append(Table.NAT, Rule.in(KubeChains.SERVICES).comment(comment).destination(Cidr.of(ip), false)
                        .jump(KubeChains.NODEPORTS));
            }
        }
    }

    /**
     * kubelet's jumps to {@code KUBE-FIREWALL} (INPUT and OUTPUT, no comment); ensured, never removed.
     *
     * @return kubelet's jumps to {@code KUBE-FIREWALL} (INPUT and OUTPUT, no comment)
     */
    public List<JumpRule> kubeletJumpRules() {
        return localhostNodePorts() ? List.of(
                new JumpRule(Table.FILTER, Rule.in("INPUT").jump(KubeChains.KUBELET_FIREWALL)),
                new JumpRule(Table.FILTER, Rule.in("OUTPUT").jump(KubeChains.KUBELET_FIREWALL))) : List.of();
    }

    /**
     * The fixed chains this layout owns in {@code table} (service chains aside); kubelet's chains are not among them.
     *
     * @param table the table
     * @return the fixed chains this layout owns in {@code table} (service chains aside)
     */
    public List<ChainName> ownedChains(Table table) {
        return switch (table) {
            case FILTER -> List.of(KubeChains.SERVICES, KubeChains.EXTERNAL_SERVICES, KubeChains.FORWARD,
                    KubeChains.NODEPORTS, KubeChains.PROXY_FIREWALL);
            case NAT -> List.of(KubeChains.SERVICES, KubeChains.NODEPORTS, KubeChains.POSTROUTING, KubeChains.MARK_MASQ);
            default -> List.of();
        };
    }

    /**
     * A full sync of {@code table}: every fixed chain and service chain rewritten, and the service chains in
     * {@code existingNatChains} that are no longer wanted deleted. Services that cannot be expressed are skipped
     * and added to {@code skipped}.
     *
     * @param table the table
     * @param existingNatChains the chains the nat table holds now
     * @param skipped where each service left out is reported
     * @return this transaction
     */
    public IptablesTransaction fullSync(ServiceTable table, Collection<ChainName> existingNatChains,
                                        List<SyncResult.Skipped> skipped) {
        return sync(table, existingNatChains, skipped, null, new LinkedHashSet<>());
    }

    /**
     * {@link #fullSync}, also adding every service chain the table needs to {@code wanted}.
     *
     * @param table the table
     * @param existingNatChains the chains the nat table holds now
     * @param skipped where each service left out is reported
     * @param wanted collects every service chain the table needs
     * @return this transaction
     */
    public IptablesTransaction fullSync(ServiceTable table, Collection<ChainName> existingNatChains,
                                        List<SyncResult.Skipped> skipped, Set<ChainName> wanted) {
        return sync(table, existingNatChains, skipped, null, wanted);
    }

    /**
     * A partial sync (kube-proxy's MinimizeIPTablesRestore): the fixed chains are rewritten whole, but the chains
     * of a service ({@code KUBE-SVC/SVL/EXT/FW/SEP-*}) only if its name is in {@code changed}; the others keep
     * what the kernel has. Stale service chains are deleted as in a full sync.
     *
     * @param table the table
     * @param existingNatChains the chains the nat table holds now
     * @param skipped where each service left out is reported
     * @param changed the services that changed since the last sync
     * @return this transaction
     */
    public IptablesTransaction partialSync(ServiceTable table, Collection<ChainName> existingNatChains,
                                           List<SyncResult.Skipped> skipped, Set<ServicePortName> changed) {
        return sync(table, existingNatChains, skipped, changed, new LinkedHashSet<>());
    }

    /**
     * {@link #partialSync}, also adding every service chain the table needs to {@code wanted}.
     *
     * @param table the table
     * @param existingNatChains the chains the nat table holds now
     * @param skipped where each service left out is reported
     * @param changed the services that changed since the last sync
     * @param wanted collects every service chain the table needs
     * @return this transaction
     */
    public IptablesTransaction partialSync(ServiceTable table, Collection<ChainName> existingNatChains,
                                           List<SyncResult.Skipped> skipped, Set<ServicePortName> changed,
                                           Set<ChainName> wanted) {
        return sync(table, existingNatChains, skipped, changed, wanted);
    }

    /**
     * {@link #fullSync(ServiceTable, Collection, List, Set)} from scratch (no stale chains), written into {@code tx}:
     * a backend that starts its tool before it builds (the tool reads the table meanwhile) builds in a
     * {@link IptablesTransaction#lastly} callback.
     */
    IptablesTransaction fullSyncInto(IptablesTransaction tx, ServiceTable table, List<SyncResult.Skipped> skipped, Set<ChainName> wanted) {
        return sync(tx, table, Set.of(), skipped, null, wanted);
    }

    /**
     * {@link #fullSyncInto}, its services written {@code perBatch} at a time, each batch in a
     * {@link IptablesTransaction#lastly} callback of its own (the first in the caller's), so that the tool parses one
     * batch while the next is built; {@code then} is the callback after the last. Each batch's chain lines come
     * before its rules, but the chain lines of the whole table are no longer in one order: for a tool that finds a
     * new chain's place cheaply wherever it falls (iptables-legacy over a table that holds the chains already).
     */
    void fullSyncInBatches(IptablesTransaction tx, ServiceTable table, List<SyncResult.Skipped> skipped, Set<ChainName> wanted,
                           int perBatch, Consumer<IptablesTransaction> then) {
        new Pass(tx, table, skipped, null, wanted).batches(0, perBatch, then);
    }

    private IptablesTransaction sync(ServiceTable table, Collection<ChainName> existingNatChains,
                                     List<SyncResult.Skipped> skipped, Set<ServicePortName> changed, Set<ChainName> wanted) {
        return sync(IptablesTransaction.create(family), table, existingNatChains, skipped, changed, wanted);
    }

    private IptablesTransaction sync(IptablesTransaction tx, ServiceTable table, Collection<ChainName> existingNatChains,
                                     List<SyncResult.Skipped> skipped, Set<ServicePortName> changed, Set<ChainName> wanted) {
        Pass pass = new Pass(tx, table, skipped, changed, wanted);
        pass.services(table.services());
        return pass.end(existingNatChains);
    }

    /**
     * One sync being written: the fixed chains first, then the services (all at once, or in batches), then the entry
     * chains' rules and the stale chains' deletion. It reuses the rules of the services that did not change since the
     * last sync that ended, and publishes its own when it ends.
     */
    private final class Pass {
        private final IptablesTransaction tx;
        private final ServiceTable table;
        private final List<SyncResult.Skipped> skipped;
        /** The services whose own chains are rewritten; null: all (a full sync). */
        private final Set<ServicePortName> changed;
        private final Set<ChainName> wanted;
        private final boolean largeCluster;
        private final Map<VirtualService, Object[]> reusable;
        private final Map<VirtualService, Object[]> built = new HashMap<>();
        private final Map<String, Scheduler> schedulers = new HashMap<>();
        private final List<Rule> entries = new ArrayList<>();

        Pass(IptablesTransaction tx, ServiceTable table, List<SyncResult.Skipped> skipped, Set<ServicePortName> changed,
             Set<ChainName> wanted) {
            this.tx = tx;
            this.table = table;
            this.skipped = skipped;
            this.changed = changed;
            this.wanted = wanted;
            this.largeCluster = isLargeCluster(table);
            synchronized (KubeProxyRules.this) {
                reusable = table.nodeIps().equals(cachedNodeIps) && largeCluster == cachedLargeCluster ? cache : Map.of();
            }
            ownedChains(Table.FILTER).forEach(c -> tx.flushChain(Table.FILTER, c));
            ownedChains(Table.NAT).forEach(c -> tx.flushChain(Table.NAT, c));
            long m = 1L << context.masqueradeBit();
            if (!facts.tcpBeLiberal()) { // kube-proxy reads the sysctl; setting it is the conntrack settings' job
                Rule.Builder invalid = Rule.in(KubeChains.FORWARD).ctstate(Match.CtState.INVALID);
                if (facts.counterInvalid()) {
                    invalid.nfacct(COUNTER_INVALID);
                }
                tx.append(Table.FILTER, invalid.drop());
            }
            writeForwardAccepts(tx, m);
            writePostrouting(tx, m, randomFully);
            writeMarkMasq(tx, m);
        }

        void services(List<VirtualService> services) {
            for (VirtualService s : services) {
                try {
                    write(s, schedulers.computeIfAbsent(s.scheduler(), Schedulers::find));
                } catch (SvcProxyException e) {
                    skipped.add(new SyncResult.Skipped(s.name() + "/" + s.protocol().lowerName(), e.getMessage()));
                }
            }
        }

        /** The services from {@code from} on, {@code perBatch} per callback, then the end and {@code then}. */
        void batches(int from, int perBatch, Consumer<IptablesTransaction> then) {
            List<VirtualService> all = table.services();
            int to = Math.min(all.size(), from + perBatch);
            services(all.subList(from, to));
            if (to < all.size()) {
                tx.lastly(Table.NAT, t -> batches(to, perBatch, then));
            } else {
                end(Set.of()).lastly(Table.NAT, then);
            }
        }

        IptablesTransaction end(Collection<ChainName> existingNatChains) {
            synchronized (KubeProxyRules.this) {
                cache = built;
                cachedNodeIps = List.copyOf(table.nodeIps());
                cachedLargeCluster = largeCluster;
            }
            sortByTargetDescending(entries).forEach(r -> tx.append(Table.NAT, r));
            writeNodePortJumps(tx, table.nodeIps());
            if (localhostNodePorts()) {
                // kubelet's guard for localhost node ports (CVE-2020-8558); kube-proxy writes it, and never deletes it
                tx.flushChain(Table.FILTER, KubeChains.KUBELET_FIREWALL);
                tx.append(Table.FILTER, Rule.in(KubeChains.KUBELET_FIREWALL).comment("block incoming localnet connections")
                        .destination(family.loopback(), false).source(family.loopback(), true)
                        .notCtstate(Match.CtState.RELATED, Match.CtState.ESTABLISHED, Match.CtState.DNAT).drop());
            }
            deleteStale(tx, existingNatChains, wanted);
            return tx;
        }

        /**
         * Writes one service, its entry chains' rules into {@link #entries}; a service that did not change (see
         * {@link #changed}) has its own chains only noted as wanted, not rewritten. A service unchanged since the last
         * sync (same value, same node IPs) reuses the rules built then: building them (chain-name hashes, rule text) is
         * most of a partial sync's own cost.
         */
        private void write(VirtualService s, Scheduler scheduler) {
            boolean ownChains = changed == null || changed.contains(s.name());
            Object[] ops = reusable.get(s);
            if (ops == null) {
                ops = new KubeServiceRules(s, context, scheduler, table.nodeIps(),
                        localhostNodePorts() && facts.counterLocalhost(), largeCluster).write();
            }
            built.put(s, ops);
            for (Object op : ops) {
                if (op instanceof ChainName chain) {
                    if (wanted.add(chain) && ownChains) {
                        tx.flushChain(Table.NAT, chain);
                    }
                } else if (op instanceof KubeServiceRules.Filter f) {
                    tx.append(Table.FILTER, f.rule());
                } else if (op instanceof Rule nat) {
                    if (ENTRY_CHAINS.contains(nat.chain())) {
                        entries.add(nat);
                    } else if (ownChains || !KubeChains.isServiceChain(nat.chain())) {
                        tx.append(Table.NAT, nat);
                    }
                }
            }
        }
    }

    /**
     * Deletes, in {@code tx}, the service, endpoint and firewall chains of {@code existingNatChains} that the sync
     * no longer wants.
     *
     * @param tx the sync's transaction
     * @param existingNatChains the chains the nat table holds now
     * @param wanted the chains the sync wrote or kept
     */
    public void deleteStale(IptablesTransaction tx, Collection<ChainName> existingNatChains, Set<ChainName> wanted) {
        for (ChainName c : existingNatChains) {
            if (!wanted.contains(c) && KubeChains.isServiceChain(c)) { // most are wanted: one lookup, no prefix tests
                tx.deleteChain(Table.NAT, c);
            }
        }
    }

    /** The nat chains that lead into the services' own chains, one rule or a few per service. */
    private static final Set<ChainName> ENTRY_CHAINS = Set.of(KubeChains.SERVICES, KubeChains.NODEPORTS);

    /**
     * The entry chains' rules in descending order of the chain they jump to (stable, so one service's rules keep their
     * order). Each matches its own service's addresses and ports, so their order across services means nothing
     * (kube-proxy writes them in its map's random order), but iptables-nft notes every rule's chain and target in a
     * list sorted by name, walked from the smallest at each insertion: in descending order each target goes to the
     * head. Rewriting KUBE-SERVICES of 10,000 services (every partial sync) costs 0.36 s instead of 0.74-0.82 s.
     */
    private static List<Rule> sortByTargetDescending(List<Rule> rules) {
        List<Map.Entry<String, Rule>> keyed = new ArrayList<>(rules.size()); // each key made once, not at each comparison
        for (Rule r : rules) {
            keyed.add(Map.entry(r.target().flatMap(Target::chain).map(ChainName::name).orElse(""), r));
        }
        keyed.sort(Map.Entry.<String, Rule>comparingByKey().reversed());
        List<Rule> out = new ArrayList<>(keyed.size());
        keyed.forEach(e -> out.add(e.getValue()));
        return out;
    }

    /**
     * More than {@link #LARGE_CLUSTER_ENDPOINTS} endpoints over all services (each counted once per service port).
     *
     * @param table the table
     * @return true above the threshold
     */
    public static boolean isLargeCluster(ServiceTable table) {
        long total = 0;
        for (VirtualService s : table.services()) {
            Set<dev.svcproxy.api.model.Endpoint> all = new java.util.HashSet<>(s.clusterEndpoints());
            all.addAll(s.localEndpoints());
            total += all.size();
            if (total > LARGE_CLUSTER_ENDPOINTS) {
                return true; // every sync asks: a large table is not walked to its end
            }
        }
        return false;
    }

    /**
     * filter {@code KUBE-FORWARD}'s accepts for marked and for established traffic (iptables and IPVS modes).
     *
     * @param tx the transaction
     * @param mark the mark
     */
    public static void writeForwardAccepts(IptablesTransaction tx, long mark) {
        tx.append(Table.FILTER, Rule.in(KubeChains.FORWARD).comment("kubernetes forwarding rules").mark(mark, mark).accept());
        tx.append(Table.FILTER, Rule.in(KubeChains.FORWARD).comment("kubernetes forwarding conntrack rule")
                .ctstate(Match.CtState.RELATED, Match.CtState.ESTABLISHED).accept());
    }

    /**
     * nat {@code KUBE-POSTROUTING}: masquerade what carries the mark, clearing it first (iptables and IPVS modes).
     *
     * @param tx the transaction
     * @param mark the mark
     * @param randomFully whether MASQUERADE picks source ports fully at random
     */
    public static void writePostrouting(IptablesTransaction tx, long mark, boolean randomFully) {
        tx.append(Table.NAT, Rule.in(KubeChains.POSTROUTING).notMark(mark, mark).returns());
        tx.append(Table.NAT, Rule.in(KubeChains.POSTROUTING).xorMark(mark));
        tx.append(Table.NAT, Rule.in(KubeChains.POSTROUTING).comment("kubernetes service traffic requiring SNAT")
                .masquerade(randomFully));
    }

    /**
     * nat {@code KUBE-MARK-MASQ}: sets the masquerade mark (iptables and IPVS modes).
     *
     * @param tx the transaction
     * @param mark the mark
     */
    public static void writeMarkMasq(IptablesTransaction tx, long mark) {
        tx.append(Table.NAT, Rule.in(KubeChains.MARK_MASQ).orMark(mark));
    }

    /**
     * The mark kube-proxy uses, as it writes it ({@code 0x00004000}).
     *
     * @return the mark kube-proxy uses, as it writes it ({@code 0x00004000})
     */
    public String masqueradeMark() {
        return String.format(java.util.Locale.ROOT, "0x%08x", 1L << context.masqueradeBit());
    }
}
