// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.internal.ExecIptablesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and changes the iptables state of one IP family in one network namespace. Thread-safe. The kernel client
 * comes from {@link #newBuilder()}; {@link FakeIptables} is an in-memory client with the same contract.
 *
 * <p>Errors: {@link dev.svcproxy.api.InvalidInputException} for a transaction that cannot be valid (found before
 * the kernel sees it), {@link dev.svcproxy.api.NotFoundException} for a chain the transaction needs that does not
 * exist, {@link dev.svcproxy.api.TransactionFailedException} naming the refused rule when the kernel refuses,
 * {@link dev.svcproxy.api.BusyException} when the xtables lock cannot be had, and
 * {@link dev.svcproxy.api.PermissionDeniedException} without CAP_NET_ADMIN. A refused transaction changes nothing.
 */
public interface IptablesClient {

    /**
     * The family the client programs: iptables for IPv4, ip6tables for IPv6.
     *
     * @return the family
     */
    IpFamily family();

    /**
     * The implementation the client drives.
     *
     * @return nft, legacy or fake
     */
    Flavour flavour();

    /**
     * What the installed iptables can do.
     *
     * @return its version and features
     */
    Capabilities capabilities();

    /**
     * A new empty transaction of this client's family.
     *
     * @return a new empty transaction of this client's family
     */
    default IptablesTransaction newTransaction() {
        return IptablesTransaction.create(family());
    }

    /**
     * Applies {@code tx} all-or-nothing: one {@code iptables-restore --noflush} call.
     *
     * @param tx the transaction
     */
    void apply(IptablesTransaction tx);

    /**
     * Whether {@link #apply} lets the transaction's input pause for any time: whether an
     * {@link IptablesTransaction#lastly} callback may wait (for a read of the tables, or while the rules are built).
     * False only where the tool itself would end a pausing input: {@code iptables-legacy-restore -w N} before 1.8.5,
     * which arms an N-second alarm when it takes the xtables lock. The exec client takes the lock for the tool
     * instead, from iptables 1.8.5 on, and the nft flavour takes none.
     *
     * @return whether the input of {@link #apply} may pause; true unless the client says otherwise
     */
    default boolean inputMayWait() {
        return true;
    }

    /**
     * Writes what it can of a first load straight into the kernel, and returns the rest, to apply with {@link #apply}
     * (in parts, as the caller likes). A first load is a full sync into a table that holds none of the proxy's chains
     * yet: no traffic depends on atomicity there, and nothing here is atomic. The chains {@code tx} declares that the
     * table does not hold are made, then the rules of those chains in order, as long as each can be written this way;
     * a failure part-way leaves what was written (the next full sync rewrites it). The default writes nothing and
     * returns {@code tx}. The exec client on iptables-nft 1.8.9 writes over nf_tables netlink, rule for rule as its
     * tool would (the chains and rules of the nat table with addresses, tcp/udp ports, comment, statistic, addrtype,
     * jumps, {@code DNAT} and {@code MARK}): its {@code iptables-nft-restore --noflush} costs more than linearly in the
     * size of one call.
     *
     * @param tx a first load, with its {@link IptablesTransaction#lastly} callback run or not
     * @return what is left of {@code tx}, to apply after this returns
     */
    default IptablesTransaction writeDirectly(IptablesTransaction tx) {
        return tx;
    }

    /**
     * Whether {@link #save(Table, java.util.function.Predicate)} of {@code table}, called while this client applies a
     * transaction (from its {@link IptablesTransaction#lastly} callback), is answered from the read the write itself
     * makes under the xtables lock: the state that write replaces, at no second read of the kernel. A caller that needs
     * both the table and a write of it (a full sync) may then read it from the callback, where a read beside the write
     * would run after or before the write's own (the kernel reads one x_tables table at a time). A save made elsewhere
     * reads the kernel as always. False by default; true on iptables-legacy's IPv4 nat table when the exec client
     * writes it without the tool and its table is within that writer's size.
     *
     * @param table the table
     * @return whether a save of {@code table} from a transaction's callback shares the write's read
     */
    default boolean savesFromTheWrite(Table table) {
        return false;
    }

    /**
     * Checks {@code tx} without applying it ({@code iptables-restore --test}), with the same errors.
     *
     * @param tx the transaction
     */
    void check(IptablesTransaction tx);

    /**
     * The current state of the given tables (all tables that exist, if none are given).
     *
     * @param tables the tables
     * @return the current state of the given tables (all tables that exist, if none are given)
     */
    Ruleset save(Table... tables);

    /**
     * Whether a chain exists.
     *
     * @param table the table
     * @param chain the chain
     * @return true if the kernel has it
     */
    boolean chainExists(Table table, ChainName chain);

    /**
     * One table's state, every chain but only the rules of the chains {@code rulesOf} accepts: what a sync needs to
     * see (built-in chains, the canary) without parsing thousands of service rules. One {@code iptables-save}.
     *
     * @param table the table
     * @param rulesOf which chains' rules to read
     * @return one table's state, every chain but only the rules of the chains {@code rulesOf} accepts
     */
    default Ruleset save(Table table, java.util.function.Predicate<ChainName> rulesOf) {
        Ruleset all = save(table);
        Map<Table, Map<ChainName, Ruleset.Chain>> out = new java.util.EnumMap<>(Table.class);
        Map<ChainName, Ruleset.Chain> chains = new java.util.LinkedHashMap<>();
        all.chains(table).forEach((n, c) -> chains.put(n, rulesOf.test(n) ? c : new Ruleset.Chain(n, c.policy(), List.of())));
        out.put(table, chains);
        return new Ruleset(family(), out);
    }

    /**
     * The names of the chains of {@code table} (cheaper than {@link #save}: rules are not parsed).
     *
     * @param table the table
     * @return the chain names
     */
    java.util.Set<ChainName> chains(Table table);

    /**
     * Makes sure {@code rule} is in its chain (kube-proxy's {@code EnsureRule}: {@code -C}, then {@code -I} at the
     * top or {@code -A}). Returns true if it had to add it.
     *
     * @param table the table
     * @param rule the rule
     * @param prepend whether to insert at the top instead of appending
     * @return true if it was added
     */
    boolean ensureRule(Table table, Rule rule, boolean prepend);

    /**
     * Whether {@code rule} is in its chain ({@code iptables -C}: no table is saved or parsed, so this stays cheap
     * however many rules the table holds). False as well when the chain does not exist: {@code iptables -C} answers
     * both alike.
     *
     * @param table the table
     * @param rule the rule
     * @return true if the kernel has it
     */
    boolean ruleExists(Table table, Rule rule);

    /**
     * Deletes {@code rule} from its chain if it is there; returns true if it was.
     *
     * @param table the table
     * @param rule the rule
     * @return true if it was deleted
     */
    boolean deleteRule(Table table, Rule rule);

    /**
     * Creates the empty canary chain {@code name} in each table; an external flush of iptables removes it.
     *
     * @param name the name
     * @param tables the tables
     */
    default void createCanary(ChainName name, Table... tables) {
        IptablesTransaction tx = newTransaction();
        for (Table t : tables) {
            if (!chainExists(t, name)) {
                tx.flushChain(t, name);
            }
        }
        if (!tx.isEmpty()) {
            apply(tx);
        }
    }

    /**
     * True while the canary chain exists in {@code table}; false means someone flushed iptables.
     *
     * @param name the name
     * @param table the table
     * @return true while the canary chain exists in {@code table}
     */
    default boolean canaryExists(ChainName name, Table table) {
        return chainExists(table, name);
    }

    /**
     * A builder for a client of the installed tools: IPv4, the flavour {@code iptables} points to, this network
     * namespace, unless set.
     *
     * @return a new builder
     */
    static Builder newBuilder() {
        return new Builder();
    }

    /** Configures a kernel client. */
    final class Builder {
        private IpFamily family = IpFamily.IPV4;
        private Optional<Path> netns = Optional.empty();
        private Optional<Flavour> flavour = Optional.empty();
        private Duration timeout = Duration.ofMinutes(5);
        /** The system property that turns direct writes off for every client that does not set them ({@code false}). */
        public static final String WRITE_DIRECTLY_PROPERTY = "svcproxy.iptables.writeDirectly";
        private boolean direct = !"false".equals(System.getProperty(WRITE_DIRECTLY_PROPERTY));

        private Builder() {
        }

        /**
         * The family: IPv4 drives iptables, IPv6 ip6tables.
         *
         * @param family the family
         * @return this builder
         */
        public Builder family(IpFamily family) {
            this.family = family;
            return this;
        }

        /**
         * Program the network namespace at {@code path} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}).
         *
         * @param path the path
         * @return this builder
         */
        public Builder netns(Path path) {
            this.netns = Optional.of(path);
            return this;
        }

        /**
         * Force {@link Flavour#NFT} or {@link Flavour#LEGACY}; by default the system's {@code iptables} decides.
         *
         * @param flavour the flavour
         * @return this builder
         */
        public Builder flavour(Flavour flavour) {
            if (flavour == Flavour.FAKE) {
                throw new dev.svcproxy.api.InvalidInputException("the kernel client is NFT or LEGACY; use new FakeIptables(family) for a fake", "flavour");
            }
            this.flavour = Optional.of(flavour);
            return this;
        }

        /**
         * Longest time one tool call may take.
         *
         * @param timeout the longest time
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Whether {@link #writeDirectly} may write over nf_tables netlink, where the tool is iptables-nft 1.8.9 (the
         * version whose encodings it writes), and whether {@link #apply} writes an IPv4 nat table itself on
         * iptables-legacy (over {@code IPT_SO_SET_REPLACE}, as {@code iptables-legacy-restore --noflush} would, the
         * tool for whatever it cannot write so); true by default, unless the system property
         * {@value #WRITE_DIRECTLY_PROPERTY} is {@code false}. False leaves every rule to the tool.
         *
         * @param enabled whether to write a first load directly
         * @return this builder
         */
        public Builder writeDirectly(boolean enabled) {
            this.direct = enabled;
            return this;
        }

        /**
         * The client; it reads the tools' version on first use.
         *
         * @return a new client
         */
        public IptablesClient build() {
            return new ExecIptablesClient(family, netns, flavour, timeout, direct);
        }
    }
}
