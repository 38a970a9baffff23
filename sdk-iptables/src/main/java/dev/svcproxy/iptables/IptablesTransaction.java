// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to one or more tables of one IP family, applied all-or-nothing by one {@code iptables-restore --noflush}
 * call ({@link IptablesClient#apply}). Single use, not thread-safe. Every operation is checked when added: a rule
 * of the wrong family or table, a chain declared twice, deleting a built-in chain or one this transaction still
 * jumps to, all throw {@link InvalidInputException} before anything reaches the kernel.
 *
 * <p>{@link #render()} is the exact payload: per table {@code *table}, the {@code :CHAIN - [0:0]} lines (create or
 * flush), the rule lines, the {@code -X} lines of deleted chains, {@code COMMIT}.
 */
public final class IptablesTransaction {

    /** One operation of a transaction. {@link #toString()} is its line in the payload. */
    public sealed interface Op {
        /**
         * The table the operation is in.
         *
         * @return the table
         */
        Table table();
    }

    /** {@code :CHAIN - [0:0]}: create the chain, or empty it if it exists. */
    public record FlushChain(Table table, ChainName chain) implements Op {
        @Override
        public String toString() {
            return ":" + chain + " - [0:0]";
        }
    }

    /** {@code -A CHAIN ...}. */
    public record Append(Table table, Rule rule, IpFamily family) implements Op {
        @Override
        public String toString() {
            return rule.render(family);
        }
    }

    /** {@code -I CHAIN POS ...} (position counts from 1). */
    public record Insert(Table table, Rule rule, int position, IpFamily family) implements Op {
        @Override
        public String toString() {
            return "-I " + rule.chain() + " " + position + " " + rule.renderSpec(family);
        }
    }

    /** {@code -D CHAIN ...}: delete the first rule equal to this one. */
    public record Delete(Table table, Rule rule, IpFamily family) implements Op {
        @Override
        public String toString() {
            return "-D " + rule.chain() + " " + rule.renderSpec(family);
        }
    }

    /** {@code -X CHAIN} (after flushing it). */
    public record DeleteChain(Table table, ChainName chain) implements Op {
        @Override
        public String toString() {
            return "-X " + chain;
        }
    }

    private final IpFamily family;
    private final List<Op> ops = new ArrayList<>();
    private final Map<Table, Set<ChainName>> declared = new EnumMap<>(Table.class);
    private final Map<Table, Set<ChainName>> known = new EnumMap<>(Table.class);
    /** The length of the last rendering, or -1 if the transaction changed since (or was never rendered). */
    private long renderedLength = -1;
    private final Map<Table, Set<ChainName>> deleted = new EnumMap<>(Table.class);
    private final Map<Table, Map<ChainName, Rule>> referenced = new EnumMap<>(Table.class);
    /** The table whose block {@link #lastly} completes, or null. */
    private Table lastTable;
    /** What {@link #lastly} adds, until it has run. */
    private java.util.function.Consumer<IptablesTransaction> last;
    /**
     * Where the operations each {@link #lastly} callback added begin in {@link #ops}, in the order they ran: each is a
     * run of its own in the payload, after the one before.
     */
    private final List<Integer> lateFrom = new ArrayList<>();
    /** True while the {@link #lastly} callback runs. */
    private boolean completing;
    /** Whether chain lines are written in descending name order ({@link #orderFor}: legacy's). */
    private boolean descendingDeclarations;

    private IptablesTransaction(IpFamily family) {
        this.family = family;
    }

    /**
     * An empty transaction.
     *
     * @param family the family of every rule in it
     * @return a new transaction
     */
    public static IptablesTransaction create(IpFamily family) {
        return new IptablesTransaction(family);
    }

    /**
     * The family of every rule in the transaction.
     *
     * @return the family
     */
    public IpFamily family() {
        return family;
    }

    /**
     * Creates {@code chain} in {@code table}, or empties it if it exists (kube-proxy's chain line).
     *
     * @param table the table
     * @param chain the chain
     * @return this transaction
     */
    public IptablesTransaction flushChain(Table table, ChainName chain) {
        if (table.isBuiltin(chain)) {
            throw new InvalidInputException("is a built-in chain of " + table + "; it cannot be declared or flushed",
                    table + "/" + chain);
        }
        if (!set(declared, table).add(chain)) {
            throw new InvalidInputException("is declared twice in this transaction", table + "/" + chain);
        }
        add(new FlushChain(table, chain));
        return this;
    }

    /**
     * As {@link #flushChain(Table, ChainName)}.
     *
     * @param table the table
     * @param chain the chain's name
     * @return this transaction
     */
    public IptablesTransaction flushChain(Table table, String chain) {
        return flushChain(table, ChainName.of(chain));
    }

    /**
     * Appends {@code rule} to its chain.
     *
     * @param table the table
     * @param rule the rule
     * @return this transaction
     */
    public IptablesTransaction append(Table table, Rule rule) {
        checkRule(table, rule);
        add(new Append(table, rule, family));
        return this;
    }

    /**
     * Inserts {@code rule} at the top of its chain.
     *
     * @param table the table
     * @param rule the rule
     * @return this transaction
     */
    public IptablesTransaction insert(Table table, Rule rule) {
        checkRule(table, rule);
        add(new Insert(table, rule, 1, family));
        return this;
    }

    /**
     * Deletes the first rule equal to {@code rule} from its chain; the kernel fails the transaction if none is.
     *
     * @param table the table
     * @param rule the rule
     * @return this transaction
     */
    public IptablesTransaction delete(Table table, Rule rule) {
        checkFamily(table, rule);
        add(new Delete(table, rule, family));
        return this;
    }

    /**
     * Flushes and deletes {@code chain}; nothing may still jump to it.
     *
     * @param table the table
     * @param chain the chain
     * @return this transaction
     */
    public IptablesTransaction deleteChain(Table table, ChainName chain) {
        if (table.isBuiltin(chain)) {
            throw new InvalidInputException("is a built-in chain; it cannot be deleted", table + "/" + chain);
        }
        if (set(declared, table).contains(chain)) {
            throw new InvalidInputException("is both declared and deleted in this transaction", table + "/" + chain);
        }
        Rule user = referenced.getOrDefault(table, Map.of()).get(chain);
        if (user != null) {
            throw new InvalidInputException("cannot be deleted: this transaction still jumps to it from '"
                    + user.render(family) + "'", table + "/" + chain);
        }
        set(deleted, table).add(chain);
        add(new DeleteChain(table, chain));
        return this;
    }

    private void add(Op op) {
        if (!lateFrom.isEmpty() && !completing) {
            throw new IllegalStateException("the lastly callback has run: the operations are final (" + op + ")");
        }
        ops.add(op);
        renderedLength = -1;
    }

    /**
     * The operations in the order given (the payload orders them per table).
     *
     * @return an unmodifiable view
     */
    public List<Op> operations() {
        complete();
        return Collections.unmodifiableList(ops);
    }

    /**
     * Whether the transaction holds no operation.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return ops.isEmpty() && last == null;
    }

    /**
     * Leaves operations that can only be decided late to {@code callback}: it runs once, when the payload is written and
     * reaches {@code table}'s {@code COMMIT} (its operations of that table go there, chain lines, rule lines, then
     * {@code -X} lines, after the rest of the table's), or when the operations are first read, whichever comes first.
     * That table's block is written first, so that a callback that fails (its exception ends the writing, and the
     * client stops the tool) leaves no table of the payload committed; the callback's operations of other tables go at
     * the end of their blocks, which follow. A proxy's full sync uses it to read the kernel's tables while
     * {@code iptables-restore} already parses the rules: the stale chains to delete and the missing jumps (nat's and
     * filter's) are known only once the reads are done, and they are sent at the end of the same restore. Nothing may
     * be added after the callback has run (that throws {@link IllegalStateException}). {@link #externalChains()} looks
     * at the operations added before it runs. A callback may set the next one (for the same table): its operations
     * are written, and the tool parses them, before that one runs.
     *
     * <p>While a callback runs, the tool waits for its input. {@code iptables-legacy-restore -w N} (kube-proxy passes
     * {@code -w 5}) arms an N-second alarm when it takes the xtables lock at {@code *table}, and if it is waiting for
     * input when the alarm goes off, its input ends there: {@code COMMIT expected}, nothing applied. The exec client
     * takes the lock for the tool from iptables 1.8.5 on, so that it has no alarm; where
     * {@link IptablesClient#inputMayWait()} is false, a callback must end well within N seconds of the tool's start, as
     * the iptables backend's does there (it waits for its reads at most 4 s, then gives the restore up and makes it
     * again).
     *
     * <p>A client that does not stream the payload (a fake, a wrapper) calls {@link #complete()} before it takes a
     * lock of its own: the callback may wait for another thread that uses the same client.
     *
     * @param table the table whose block is written first and ends with the callback's operations of that table
     * @param callback adds the late operations to the transaction it is given (this one)
     * @return this transaction
     * @throws IllegalStateException if a callback is already set, or one has run and this is not called by the one
     *     running, or {@code table} is not the table of the callbacks before
     */
    public IptablesTransaction lastly(Table table, java.util.function.Consumer<IptablesTransaction> callback) {
        if (last != null || !lateFrom.isEmpty() && !completing || lastTable != null && table != lastTable) {
            throw new IllegalStateException("one lastly callback at a time, the next set by the one running, for one table");
        }
        lastTable = java.util.Objects.requireNonNull(table, "table");
        last = java.util.Objects.requireNonNull(callback, "callback");
        return this;
    }

    /**
     * Runs the {@link #lastly} callback now, if there is one that has not run; after this the operations are final.
     *
     * @return this transaction
     */
    public IptablesTransaction complete() {
        while (last != null) {
            runLast();
        }
        return this;
    }

    /**
     * Whether every operation is known: no {@link #lastly} callback is left to run.
     *
     * @return whether no {@link #lastly} callback is pending
     */
    public boolean isComplete() {
        return last == null;
    }

    /**
     * Runs the pending {@link #lastly} callback once, if there is one (it may set the next): for a client that takes a
     * transaction's operations as they come, so that what it does with them overlaps the building of the next.
     *
     * @return whether a callback ran
     */
    public boolean completeNext() {
        if (last == null) {
            return false;
        }
        runLast();
        return true;
    }

    /**
     * The operations added so far, without running a pending {@link #lastly} callback ({@link #operations()} runs it):
     * they only grow, at the end, as callbacks run ({@link #completeNext()}).
     *
     * @return an unmodifiable view
     */
    public List<Op> operationsSoFar() {
        return Collections.unmodifiableList(ops);
    }

    private void runLast() {
        java.util.function.Consumer<IptablesTransaction> callback = last;
        last = null;
        lateFrom.add(ops.size());
        completing = true;
        try {
            callback.accept(this);
        } finally {
            completing = false;
        }
    }

    /**
     * Chains this transaction creates or flushes in {@code table}.
     *
     * @param table the table
     * @return chains this transaction creates or flushes in {@code table}
     */
    public Set<ChainName> declaredChains(Table table) {
        return Collections.unmodifiableSet(set(declared, table));
    }

    /**
     * Records chains the caller has just seen in the kernel (from its own {@code iptables-save}), so the client need
     * not read the table again to check them; a chain that is gone after all still fails the restore. The first set
     * given for a table is kept as it is, not copied (a partial sync of 10,000 services gives 110,000 chains): the
     * caller must not change it while the transaction lives.
     *
     * @param table the table
     * @param chains the chains
     * @return this transaction
     */
    public IptablesTransaction knownToExist(Table table, java.util.Collection<ChainName> chains) {
        Set<ChainName> mine = known.get(table);
        if (mine == null && chains instanceof Set<ChainName> given) {
            known.put(table, java.util.Collections.unmodifiableSet(given)); // copied if more is added
            return this;
        }
        if (!(mine instanceof LinkedHashSet)) { // absent, or shared by the parts of a split: copied before it changes
            mine = new LinkedHashSet<>(mine == null ? Set.of() : mine);
            known.put(table, mine);
        }
        mine.addAll(chains);
        return this;
    }

    /**
     * Chains the transaction's rules write to or jump to that it neither declares nor are built in; they must
     * already exist in the kernel (the client checks before applying). By table, with a rule that needs each.
     *
     * @return chains the transaction's rules write to or jump to that it neither declares nor are built in
     */
    public Map<Table, Map<ChainName, Rule>> externalChains() {
        Map<Table, Map<ChainName, Rule>> out = new EnumMap<>(Table.class);
        for (Op op : ops) {
            Rule r = addedRule(op);
            if (r != null) {
                external(out, op.table(), r.chain(), r);
                Optional<ChainName> target = r.target().flatMap(Target::chain);
                if (target.isPresent()) {
                    external(out, op.table(), target.get(), r);
                }
            }
        }
        return out;
    }

    /** Notes {@code chain} in {@code out} if it is neither built in, declared nor known to exist. */
    private void external(Map<Table, Map<ChainName, Rule>> out, Table table, ChainName chain, Rule r) {
        if (!table.isBuiltin(chain) && !set(declared, table).contains(chain) && !set(known, table).contains(chain)) {
            out.computeIfAbsent(table, t -> new LinkedHashMap<>()).putIfAbsent(chain, r);
        }
    }

    /**
     * This transaction as several, applied in order, for a first load where nothing depends on atomicity yet: the
     * chain declarations first (in parts of at most {@code rulesPerPart} chains), then the rules of the proxy's own chains in parts of at most {@code rulesPerPart},
     * then what enters the built-in chains (so no packet is led into a chain before it is complete), then the chain
     * deletions. Each part knows the chains the earlier ones made. iptables-nft's {@code --noflush} costs more than
     * linearly in the size of one call; parts keep each call small.
     *
     * @param rulesPerPart the most operations in one part
     * @return this transaction as several, applied in order, for a first load where nothing depends on atomicity yet
     */
    public List<IptablesTransaction> split(int rulesPerPart) {
        return split(rulesPerPart, rulesPerPart);
    }

    /**
     * {@link #split(int)} with parts of declarations of their own size: iptables-nft's cost of one call grows with
     * the square of the chains it declares (each new name is inserted into a name-sorted list walked from the
     * smallest), and with the table (each call's commit), so its best part of declarations is smaller than its best
     * part of rules (110,000 chains: 1.3-1.5 s in parts of 1,000-2,000, 2.5-2.7 s in parts of 7,776).
     *
     * @param declarationsPerPart the most chain declarations in one part
     * @param rulesPerPart the most rule operations in one part
     * @return this transaction as several, applied in order, for a first load where nothing depends on atomicity yet
     */
    public List<IptablesTransaction> split(int declarationsPerPart, int rulesPerPart) {
        if (rulesPerPart < 1 || declarationsPerPart < 1) {
            throw new IllegalArgumentException("parts must hold at least 1 operation, got " + declarationsPerPart
                    + " declarations and " + rulesPerPart + " rules");
        }
        complete();
        List<IptablesTransaction> parts = new ArrayList<>();
        List<IptablesTransaction> declarations = new ArrayList<>();
        List<Op> entries = new ArrayList<>();
        List<Op> deletions = new ArrayList<>();
        IptablesTransaction part = null;
        for (Op op : ops) {
            if (op instanceof FlushChain) {
                if (declarations.isEmpty() || declarations.get(declarations.size() - 1).ops.size() >= declarationsPerPart) {
                    declarations.add(create(family));
                }
                declarations.get(declarations.size() - 1).adopt(op);
            } else if (op instanceof DeleteChain) {
                deletions.add(op);
            } else if (isBuiltin(op)) {
                entries.add(op);
            } else {
                if (part == null || part.ops.size() >= rulesPerPart) {
                    part = create(family);
                    parts.add(part);
                }
                part.add(op);
            }
        }
        parts.addAll(0, declarations);
        return finish(parts, entries, deletions);
    }

    /**
     * {@code parts}, then one part with the built-in chains' {@code entries} and the stale chains' {@code deletions};
     * empty parts dropped, and every part told of every chain this transaction declares or knows.
     */
    private List<IptablesTransaction> finish(List<IptablesTransaction> parts, List<Op> entries, List<Op> deletions) {
        IptablesTransaction last = create(family);
        entries.forEach(last::add);
        deletions.forEach(last::add);
        parts.add(last);
        parts.removeIf(IptablesTransaction::isEmpty);
        shareKnownChains(parts);
        return parts;
    }

    /** Each part knows every chain this transaction declares or knows: one set for all parts (10,000 services: 110,000 chains). */
    private void shareKnownChains(List<IptablesTransaction> parts) {
        for (Table t : Table.values()) {
            Set<ChainName> all = new LinkedHashSet<>(set(declared, t));
            all.addAll(set(known, t));
            Set<ChainName> shared = Collections.unmodifiableSet(all);
            parts.forEach(p -> p.known.put(t, shared));
        }
    }

    /**
     * This transaction as several, each rewriting whole chains, for a full sync over rules that traffic already uses:
     * a chain's declaration (which flushes it) and all its rules travel in one part, so every chain goes from its old
     * rules to its new ones at once; a chain comes after the chains it jumps to (endpoint chains before the service
     * chains that lead to them, those before {@code KUBE-SERVICES}), so no rule leads to a chain that is not ready; the
     * built-in chains' entries and the deletion of stale chains (which nothing refers to by then) come last. Parts hold
     * at most {@code opsPerPart} operations; a chain that alone has more (KUBE-SERVICES of a large cluster) starts a
     * part that the chains after it may join up to an eighth of {@code opsPerPart} more, as each part costs a
     * restore call.
     *
     * @param opsPerPart the most operations in one part
     * @return this transaction as several, each rewriting whole chains, for a full sync over rules that traffic already uses
     */
    public List<IptablesTransaction> splitByChain(int opsPerPart) {
        if (opsPerPart < 1) {
            throw new IllegalArgumentException("opsPerPart must be at least 1, got " + opsPerPart);
        }
        complete();
        Map<ChainKey, List<Op>> chains = new LinkedHashMap<>();
        List<Op> entries = new ArrayList<>();
        List<Op> deletions = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof FlushChain f) {
                chains.computeIfAbsent(new ChainKey(f.table(), f.chain()), k -> new ArrayList<>()).add(0, op);
            } else if (op instanceof DeleteChain) {
                deletions.add(op);
            } else if (isBuiltin(op)) {
                entries.add(op);
            } else {
                Rule r = ruleOf(op);
                chains.computeIfAbsent(new ChainKey(op.table(), r.chain()), k -> new ArrayList<>()).add(op);
            }
        }
        List<ChainKey> order = new ArrayList<>(chains.size());
        Set<ChainKey> placed = new java.util.HashSet<>();
        for (ChainKey k : chains.keySet()) {
            place(k, chains, placed, order);
        }
        List<IptablesTransaction> parts = new ArrayList<>();
        IptablesTransaction part = null;
        int limit = opsPerPart;
        for (ChainKey k : order) {
            List<Op> chain = chains.get(k);
            if (part == null || !part.ops.isEmpty() && part.ops.size() + chain.size() > limit) {
                part = create(family);
                parts.add(part);
                limit = chain.size() > opsPerPart ? chain.size() + opsPerPart / 8 : opsPerPart;
            }
            chain.forEach(part::adopt);
        }
        return finish(parts, entries, deletions);
    }

    /**
     * What is left of this transaction once the operations at the positions {@code done} (of {@link #operations()})
     * were applied some other way, which also created the chains {@code created} in {@code table}: the other
     * operations in their order, knowing every chain this transaction knows and those. An iptables-nft client writes
     * most of a first load over netlink this way, and restores the rest.
     *
     * @param done the positions of the operations applied already
     * @param table the table of {@code created}
     * @param created the chains made already
     * @return what is left of this transaction, to apply after what was done
     */
    public IptablesTransaction rest(java.util.BitSet done, Table table, java.util.Collection<ChainName> created) {
        complete();
        IptablesTransaction rest = create(family);
        known.forEach(rest::knownToExist);
        rest.knownToExist(table, created);
        for (int i = 0; i < ops.size(); i++) {
            if (!done.get(i)) {
                rest.adopt(ops.get(i));
            }
        }
        return rest;
    }

    /** Adds {@code op}, taken from another transaction, noting the chain it declares or deletes as its own methods do. */
    private void adopt(Op op) {
        add(op);
        if (op instanceof FlushChain f) {
            set(declared, f.table()).add(f.chain());
        } else if (op instanceof DeleteChain d) {
            set(deleted, d.table()).add(d.chain());
        }
    }

    /** A chain of one table, as {@link #splitByChain} orders them. */
    private record ChainKey(Table table, ChainName chain) {
    }

    /** Depth first: the chains {@code k}'s rules jump to (of this transaction, same table) before {@code k} itself. */
    private static void place(ChainKey k, Map<ChainKey, List<Op>> chains, Set<ChainKey> placed, List<ChainKey> order) {
        if (!placed.add(k)) {
            return;
        }
        java.util.Deque<ChainKey> keys = new java.util.ArrayDeque<>();
        java.util.Deque<java.util.Iterator<ChainKey>> pending = new java.util.ArrayDeque<>();
        keys.push(k);
        pending.push(targets(k, chains).iterator());
        while (!keys.isEmpty()) {
            java.util.Iterator<ChainKey> it = pending.peek();
            if (it.hasNext()) {
                ChainKey t = it.next();
                if (placed.add(t)) {
                    keys.push(t);
                    pending.push(targets(t, chains).iterator());
                }
            } else {
                pending.pop();
                order.add(keys.pop());
            }
        }
    }

    private static List<ChainKey> targets(ChainKey k, Map<ChainKey, List<Op>> chains) {
        List<ChainKey> out = new ArrayList<>();
        for (Op op : chains.get(k)) {
            Rule r = addedRule(op);
            if (r != null) {
                r.target().flatMap(Target::chain).map(c -> new ChainKey(k.table(), c))
                        .filter(t -> !t.equals(k) && chains.containsKey(t)).ifPresent(out::add);
            }
        }
        return out;
    }

    private static boolean isBuiltin(Op op) {
        Rule r = ruleOf(op);
        return r != null && op.table().isBuiltin(r.chain());
    }

    /** The rule {@code op} appends or inserts, or null. */
    private static Rule addedRule(Op op) {
        return op instanceof Append a ? a.rule() : op instanceof Insert i ? i.rule() : null;
    }

    /** The rule {@code op} appends, inserts or deletes, or null (a chain operation). */
    private static Rule ruleOf(Op op) {
        return op instanceof Delete d ? d.rule() : addedRule(op);
    }

    /**
     * The exact {@code iptables-restore} payload.
     *
     * @return the exact {@code iptables-restore} payload
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        try {
            renderTo(sb);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringBuilder does not throw
        }
        return sb.toString();
    }

    /**
     * Writes the exact {@code iptables-restore} payload to {@code out} line by line, without holding it whole (a full
     * sync of 10,000 services is tens of megabytes); returns its length in characters.
     *
     * @param out where the text goes
     * @return the number of characters written
     * @throws java.io.IOException if writing to {@code out} fails
     */
    public long renderTo(Appendable out) throws IOException {
        long n = 0;
        StringBuilder line = new StringBuilder(256);
        if (lastTable != null) {
            n += write(out, line.append('*').append(lastTable.tableName()));
            int from = 0;
            for (int run = 0; run < lateFrom.size() || last != null; run++) { // each run up to the next callback's
                boolean ran = run < lateFrom.size();
                int to = ran ? lateFrom.get(run) : ops.size();
                n += writeOps(out, line, ordered(lastTable, from, to));
                from = to;
                if (!ran) {
                    if (out instanceof java.io.Flushable f) {
                        f.flush(); // the tool reads its table and parses what came so far while the callback runs
                    }
                    runLast();
                }
            }
            n += writeOps(out, line, ordered(lastTable, from, ops.size()));
            n += write(out, line.append("COMMIT"));
        }
        for (Table t : tables()) { // the other tables, with what the callback added to them
            if (t != lastTable) {
                n += write(out, line.append('*').append(t.tableName()));
                n += writeOps(out, line, ordered(t, 0, ops.size()));
                n += write(out, line.append("COMMIT"));
            }
        }
        renderedLength = n;
        return n;
    }

    private long writeOps(Appendable out, StringBuilder line, List<Op> ordered) throws IOException {
        long n = 0;
        for (Op op : ordered) {
            if (op instanceof Append a) {
                a.rule().renderTo(line.append("-A ").append(a.rule().chain().name()).append(' '), family);
            } else {
                line.append(op);
            }
            n += write(out, line);
        }
        return n;
    }

    private static int write(Appendable out, StringBuilder line) throws IOException {
        line.append('\n');
        out.append(line);
        int n = line.length();
        line.setLength(0);
        return n;
    }

    /**
     * The length in characters of the payload, from the last rendering if nothing changed since.
     *
     * @return the length in characters of the payload, from the last rendering if nothing changed since
     */
    public long renderedLength() {
        if (renderedLength < 0) {
            try {
                renderTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return renderedLength;
    }

    /**
     * The operation written on line {@code line} (1-based) of the payload, if that line holds one.
     *
     * @param line the 1-based line
     * @return the operation written on line {@code line} (1-based) of the payload, if that line holds one
     */
    public Optional<Op> atLine(int line) {
        complete();
        int n = 0;
        for (Table t : tables()) {
            n++; // *table
            List<Op> ordered = orderedOperations(t);
            if (line <= n + ordered.size()) {
                return line > n ? Optional.of(ordered.get(line - n - 1)) : Optional.empty();
            }
            n += ordered.size() + 1; // COMMIT
        }
        return Optional.empty();
    }

    /** The tables in the order they first appear, the one a {@link #lastly} callback completes first. */
    private Set<Table> tables() {
        Set<Table> tables = new LinkedHashSet<>();
        if (lastTable != null) {
            tables.add(lastTable); // first: a callback that fails leaves no table committed
        }
        ops.forEach(op -> tables.add(op.table()));
        return tables;
    }

    /**
     * The operations of {@code table} in the order iptables-restore applies them: chain lines (a deleted chain is
     * flushed first), then rule lines, then {@code -X} lines.
     *
     * @param table the table
     * @return the operations of {@code table} in the order iptables-restore applies them
     */
    public List<Op> orderedOperations(Table table) {
        complete();
        if (table != lastTable) {
            return ordered(table, 0, ops.size());
        }
        List<Op> ordered = new ArrayList<>();
        int from = 0;
        for (int to : lateFrom) {
            ordered.addAll(ordered(table, from, to));
            from = to;
        }
        ordered.addAll(ordered(table, from, ops.size()));
        return ordered;
    }

    /**
     * Writes this transaction's lines from now on in the order {@code flavour}'s tool takes cheapest; the order of chain
     * lines means nothing to the result. iptables-legacy: chain lines in descending name order, as it inserts each new
     * chain into its name-sorted list by walking it from the smallest (110,000 chains: 1.2 s instead of 3.6 s in
     * payload order, and a legacy restore of 10,000 services in 4.1-4.8 s instead of 7.2-7.7 s). iptables-nft: the
     * payload's order, as the kernel keeps its chains in the order they were made and {@code iptables-nft-save} sorts
     * them with a quicksort that degrades on sorted input (a nat table of 110,000 chains made in sorted order could no
     * longer be saved).
     *
     * @param flavour the tool the payload is for
     * @return this transaction
     */
    public IptablesTransaction orderFor(Flavour flavour) {
        descendingDeclarations = flavour == Flavour.LEGACY;
        return this;
    }

    private static final java.util.Comparator<Op> DESCENDING_NAMES =
            java.util.Comparator.comparing((Op op) -> ((FlushChain) op).chain().name()).reversed();

    /**
     * The operations of {@code table} among {@code ops[from, to)}: chain lines (in descending name order for
     * legacy, {@link #orderFor}), rule lines, {@code -X} lines.
     */
    private List<Op> ordered(Table table, int from, int to) {
        List<Op> chains = new ArrayList<>();
        List<Op> rules = new ArrayList<>();
        List<Op> deletes = new ArrayList<>();
        for (Op op : ops.subList(from, to)) {
            if (op.table() != table) {
                continue;
            }
            if (op instanceof FlushChain) {
                chains.add(op);
            } else if (op instanceof DeleteChain d) {
                chains.add(new FlushChain(table, d.chain()));
                deletes.add(op);
            } else {
                rules.add(op);
            }
        }
        if (descendingDeclarations) {
            chains.sort(DESCENDING_NAMES);
        }
        chains.addAll(rules);
        chains.addAll(deletes);
        return chains;
    }

    /**
     * All operations in the order iptables-restore applies them, table by table.
     *
     * @return all operations in the order iptables-restore applies them, table by table
     */
    public List<Op> orderedOperations() {
        List<Op> all = new ArrayList<>(ops.size());
        tables().forEach(t -> all.addAll(orderedOperations(t)));
        return all;
    }

    @Override
    public String toString() {
        return render();
    }

    private void checkRule(Table table, Rule rule) {
        checkFamily(table, rule);
        if (set(deleted, table).contains(rule.chain())) {
            throw new InvalidInputException("writes to a chain this transaction deletes", id(table, rule));
        }
        rule.target().ifPresent(t -> {
            boolean nat = table == Table.NAT;
            if ((t instanceof Target.Dnat || t instanceof Target.Snat || t instanceof Target.Masquerade) && !nat) {
                throw new InvalidInputException("NAT targets are only allowed in the nat table", id(table, rule));
            }
            if (nat && (t == Target.Verdict.DROP || t instanceof Target.Reject)) {
                throw new InvalidInputException("the nat table is not for filtering: DROP and REJECT are refused", id(table, rule));
            }
            t.chain().ifPresent(c -> {
                if (table.isBuiltin(c)) {
                    throw new InvalidInputException("cannot jump to built-in chain " + c, id(table, rule));
                }
                if (set(deleted, table).contains(c)) {
                    throw new InvalidInputException("jumps to chain " + c + " which this transaction deletes", id(table, rule));
                }
                referenced.computeIfAbsent(table, k -> new LinkedHashMap<>()).putIfAbsent(c, rule);
            });
        });
    }

    private String id(Table table, Rule rule) {
        return table + "/" + rule.chain() + ": " + rule.render(family);
    }

    private void checkFamily(Table table, Rule rule) {
        rule.family().filter(f -> f != family).ifPresent(f -> {
            throw new InvalidInputException("is an " + f + " rule in an " + family + " transaction",
                    table + "/" + rule.chain() + ": " + rule.render(f));
        });
    }

    private static Set<ChainName> set(Map<Table, Set<ChainName>> m, Table t) {
        return m.computeIfAbsent(t, k -> new LinkedHashSet<>());
    }
}
