// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.PermissionDeniedException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.TransactionFailedException;
import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.Capabilities;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.RestoreRefusedException;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.Target;
import dev.svcproxy.netlink.NetlinkSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kernel client: runs {@code iptables}, {@code iptables-restore} and {@code iptables-save} (or ip6tables). */
public final class ExecIptablesClient implements IptablesClient {
    private static final Logger LOG = LoggerFactory.getLogger(ExecIptablesClient.class);
    private static final Pattern LINE = Pattern.compile("(?:Error occurred at line: |line )(\\d+)");
    private static final Pattern MISSING_CHAIN = Pattern.compile("Chain '([^']+)' does not exist");

    private final IpFamily family;
    private final Flavour flavour;
    private final Capabilities capabilities;
    private final CommandRunner runner;
    private final String base;
    /** The lock taken for iptables-legacy-restore, so that its input may pause ({@link XtablesLock}). */
    private final Optional<XtablesLock> lock;
    private final boolean inputMayWait;
    private final Optional<Path> netns;
    /** Whether {@link #writeDirectly} writes over netlink. */
    private final boolean writeDirectly;
    /** On iptables-legacy, IPv4: the nat table written without the tool ({@link LegacyNatWriter}); else null. */
    private final LegacyNatWriter legacyNat;
    /** The iptables version {@link NftCompatRules} (nft) and {@link IptEntries} (legacy) encode as. */
    static final String DIRECT_VERSION = "1.8.9";
    /**
     * The operations from which a transaction known whole is written to a file for iptables-legacy's tool
     * ({@link CommandRunner#fromFile}): a small one (a partial sync of 1,000 services) costs it nothing more through the
     * pipe.
     */
    static final int WHOLE_FROM_FILE = 2_000;

    public ExecIptablesClient(IpFamily family, Optional<Path> netns, Optional<Flavour> flavour, Duration timeout,
                              boolean writeDirectly) {
        this.family = family;
        this.netns = netns;
        this.runner = new CommandRunner(netns, timeout);
        String plain = family == IpFamily.IPV4 ? "iptables" : "ip6tables";
        this.base = flavour.map(f -> plain + (f == Flavour.NFT ? "-nft" : "-legacy")).orElse(plain);
        CommandRunner.Result v = runner.run(List.of(base, "--version"), null);
        if (v.exit() != 0) {
            throw new UnsupportedByKernelException("cannot run " + base + " --version: " + v.stderr().strip()
                    + " (install the Debian package iptables)", base);
        }
        Matcher m = Pattern.compile("v(\\d+(?:\\.\\d+)*)").matcher(v.stdout());
        this.capabilities = Capabilities.forVersion(m.find() ? m.group(1) : "0");
        this.flavour = v.stdout().contains("nf_tables") ? Flavour.NFT : Flavour.LEGACY;
        int wait = capabilities.waitFlags().size() > 1 ? Integer.parseInt(capabilities.waitFlags().get(1)) : -1;
        // legacy takes the xtables lock; from 1.8.5 its tool can be told to lock another file (XTABLES_LOCKFILE)
        this.lock = this.flavour == Flavour.LEGACY && wait > 0 && capabilities.atLeast(1, 8, 5)
                ? Optional.of(new XtablesLock(XtablesLock.systemLockFile(), wait)) : Optional.empty();
        this.inputMayWait = this.flavour == Flavour.NFT || lock.isPresent() || wait <= 0;
        // the version whose encodings NftCompatRules writes (checked against its messages and its save)
        this.writeDirectly = writeDirectly && this.flavour == Flavour.NFT && capabilities.version().equals(DIRECT_VERSION)
                && NetlinkSocket.isAvailable();
        // on legacy, the version the kernel test holds the writer's tables to, byte for byte (the modules' revisions)
        this.legacyNat = writeDirectly && this.flavour == Flavour.LEGACY && family == IpFamily.IPV4
                && capabilities.version().equals(DIRECT_VERSION) && NetlinkSocket.isAvailable()
                ? new LegacyNatWriter(netns, XtablesLock.systemLockFile(), java.time.Duration.ofSeconds(wait > 0 ? wait : 5)) : null;
        LOG.debug("{} {} ({}) in {}", base, capabilities.version(), this.flavour, netns.map(Path::toString).orElse("this namespace"));
    }

    @Override
    public IpFamily family() {
        return family;
    }

    @Override
    public Flavour flavour() {
        return flavour;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public boolean inputMayWait() {
        return inputMayWait;
    }

    @Override
    public void apply(IptablesTransaction tx) {
        restore(tx, false);
    }

    @Override
    public IptablesTransaction writeDirectly(IptablesTransaction tx) {
        return writeDirectly && tx.family() == family ? new NftDirectLoad(family, netns).load(tx) : tx;
    }

    @Override
    public boolean savesFromTheWrite(Table table) {
        return legacyNat != null && table == Table.NAT && legacyNat.fits();
    }

    @Override
    public void check(IptablesTransaction tx) {
        restore(tx, true);
    }

    private void restore(IptablesTransaction tx, boolean test) {
        if (tx.family() != family) {
            throw new dev.svcproxy.api.InvalidInputException("transaction is " + tx.family() + ", client is " + family, "transaction");
        }
        if (tx.isEmpty()) {
            return;
        }
        checkExternalChains(tx);
        if (!test && legacyNat != null && writeNat(tx)) {
            return;
        }
        restoreWithTool(tx, test);
    }

    /**
     * On iptables-legacy: nat written without the tool ({@link LegacyNatWriter}, or by the tool if that cannot), then
     * the other tables through the tool, as the tool commits a transaction table by table (nat first when a callback
     * completes it); false if {@code tx} has no nat operations.
     */
    private boolean writeNat(IptablesTransaction tx) {
        if (tx.operationsSoFar().stream().noneMatch(op -> op.table() == Table.NAT) && tx.isComplete()) {
            return false;
        }
        // a transaction its callbacks still build is a full sync's (the iptables backend's restart and hourly sync: seldom,
        // and rewriting most of the table): only such a write reads a table past what the writer keeps buffers for
        Optional<LegacyNatWriter.Write> begun = legacyNat.begin(!tx.isComplete());
        if (begun.isEmpty()) {
            return false; // a table too large: the tool, which parses what is built while the rest is built
        }
        List<IptablesTransaction.Op> nat;
        boolean written;
        try (LegacyNatWriter.Write w = begun.get()) { // the table is read while the callbacks build the rest
            nat = tx.orderedOperations(Table.NAT);
            if (nat.isEmpty() || !LegacyNatWriter.covers(nat)) {
                return false; // the tool, with the whole transaction in one restore
            }
            written = w.write(nat);
        }
        java.util.BitSet natOps = new java.util.BitSet();
        List<IptablesTransaction.Op> all = tx.operations();
        for (int i = 0; i < all.size(); i++) {
            natOps.set(i, all.get(i).table() == Table.NAT);
        }
        if (!written) {
            java.util.BitSet notNat = (java.util.BitSet) natOps.clone();
            notNat.flip(0, all.size());
            restoreWithTool(tx.rest(notNat, Table.NAT, List.of()), false);
        }
        IptablesTransaction others = tx.rest(natOps, Table.NAT, List.of());
        if (!others.isEmpty()) {
            restoreWithTool(others, false);
        }
        return true;
    }

    private void restoreWithTool(IptablesTransaction tx, boolean test) {
        tx.orderFor(flavour); // what this tool takes cheapest (error line numbers follow the same order)
        List<String> flags = new ArrayList<>(List.of("--noflush"));
        if (test) {
            flags.add("--test");
        }
        List<String> argv = lock.map(l -> l.wrap(base + "-restore", flags)).orElseGet(() -> {
            List<String> own = new ArrayList<>(List.of(base + "-restore"));
            own.addAll(capabilities.waitFlags());
            own.addAll(flags);
            return own;
        });
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}:\n{}", String.join(" ", argv), tx.render());
        }
        // on legacy, a transaction known whole goes through a file, which the tool reads faster than a pipe being
        // written; not on nft, where no gain showed (the partial syncs of 10,000 services in SourceLatencyBench took
        // 1.24 s median through files, 1.11 s through the pipe an hour before) and the tool parses while it is rendered
        CommandRunner.Result r = flavour == Flavour.LEGACY && tx.isComplete() && tx.operations().size() >= WHOLE_FROM_FILE
                ? runner.fromFile(argv, tx::renderTo) : runner.stream(argv, tx::renderTo);
        if (r.exit() != 0) {
            SvcProxyException locked = lock.map(l -> l.failure(r.exit(), r.stderr(), base + "-restore")).orElse(null);
            throw locked != null ? locked : failure(r, tx);
        }
    }

    /** A rule may write to or jump to a chain it does not declare only if the kernel has it; checked up front. */
    private void checkExternalChains(IptablesTransaction tx) {
        for (Map.Entry<Table, Map<ChainName, Rule>> e : tx.externalChains().entrySet()) {
            java.util.Set<ChainName> present = chains(e.getKey());
            for (Map.Entry<ChainName, Rule> c : e.getValue().entrySet()) {
                if (!present.contains(c.getKey())) {
                    throw new NotFoundException("chain " + c.getKey() + " does not exist in table " + e.getKey()
                            + " and the transaction does not create it", e.getKey() + ": " + c.getValue().render(family));
                }
            }
        }
    }

    private SvcProxyException failure(CommandRunner.Result r, IptablesTransaction tx) {
        String err = r.stderr();
        SvcProxyException common = common(r, base + "-restore");
        if (common != null) {
            return common;
        }
        IptablesTransaction.Op op = null;
        Matcher line = LINE.matcher(err);
        if (line.find()) {
            op = tx.atLine(Integer.parseInt(line.group(1))).orElse(null);
        }
        Matcher missing = MISSING_CHAIN.matcher(err);
        if (op == null && missing.find()) {
            // nft reports a missing jump target at COMMIT: find the rule that jumps there
            String chain = missing.group(1);
            op = tx.orderedOperations().stream().filter(o -> o instanceof IptablesTransaction.Append a
                            && a.rule().target().flatMap(Target::chain).map(c -> c.name().equals(chain)).orElse(false))
                    .findFirst().orElse(null);
        }
        return new RestoreRefusedException(op, err);
    }

    /** Errors that mean the same whatever the command: lock, privilege, missing extension. */
    private static SvcProxyException common(CommandRunner.Result r, String what) {
        String err = r.stderr();
        if (err.contains("xtables lock") || err.contains("holding the xtables lock")) {
            String why = err.lines().filter(l -> l.contains("xtables lock")).reduce((a, b) -> b).orElse(err).strip();
            return new BusyException("could not get the xtables lock (" + why + ")", what);
        }
        if (err.contains("Permission denied") || err.contains("you must be root") || err.contains("Operation not permitted")) {
            return new PermissionDeniedException("needs root (CAP_NET_ADMIN): " + err.strip(), what);
        }
        if (err.contains("Couldn't load match") || err.contains("Couldn't load target")
                || err.contains("Extension") && err.contains("revision")) {
            return new UnsupportedByKernelException(err.strip(), what);
        }
        return null;
    }

    @Override
    public Ruleset save(Table... tables) {
        if (tables.length == 0) {
            return Ruleset.parse(saveText(null), family);
        }
        StringBuilder sb = new StringBuilder();
        for (Table t : tables) {
            sb.append(saveText(t));
        }
        return Ruleset.parse(sb.toString(), family);
    }

    @Override
    public Ruleset save(Table table, java.util.function.Predicate<ChainName> rulesOf) {
        if (legacyNat != null && table == Table.NAT) { // where the nat table is written without the tool, read so too
            // (while a write of it is begun, as from its lastly callback: that write's read, made under its lock)
            Optional<String> text = legacyNat.saveOfBegun(rulesOf).or(() -> LegacyNatSave.read(netns, rulesOf));
            if (text.isPresent()) {
                return Ruleset.parse(text.get(), family);
            }
        }
        // a 10,000-service nat table saves as 30 MB: walked in place, one decision per run of a chain's rules
        String text = saveText(table);
        StringBuilder kept = new StringBuilder();
        String lastChain = null;
        boolean keepLast = false;
        for (int start = 0; start < text.length(); ) {
            int eol = text.indexOf('\n', start);
            int lineEnd = eol < 0 ? text.length() : eol;
            int next = lineEnd + 1;
            if (text.startsWith("-A ", start)) {
                int space = text.indexOf(' ', start + 3);
                int chainEnd = space < 0 || space > lineEnd ? lineEnd : space;
                if (lastChain == null || chainEnd - start - 3 != lastChain.length() || !text.startsWith(lastChain, start + 3)) {
                    lastChain = text.substring(start + 3, chainEnd); // a chain's rules are together: one name per chain
                    keepLast = rulesOf.test(ChainName.of(lastChain));
                }
                if (!keepLast) {
                    start = next;
                    continue;
                }
            }
            kept.append(text, start, lineEnd).append('\n');
            start = next;
        }
        return Ruleset.parse(kept.toString(), family);
    }

    private String saveText(Table table) {
        List<String> argv = new ArrayList<>(List.of(base + "-save"));
        if (table != null) {
            argv.addAll(List.of("-t", table.tableName()));
        }
        CommandRunner.Result r = runner.run(argv, null);
        if (r.exit() != 0) {
            // a table that was never used does not exist yet (nft flavour): that is an empty table
            if (table != null && (r.stderr().contains("does not exist") || r.stderr().contains("Table does not exist"))) {
                return "";
            }
            SvcProxyException e = common(r, base + "-save");
            throw e != null ? e : new SvcProxyException(base + "-save failed: " + r.stderr().strip(), base + "-save");
        }
        return r.stdout();
    }

    @Override
    public java.util.Set<ChainName> chains(Table table) {
        java.util.Set<ChainName> out = new java.util.LinkedHashSet<>();
        saveText(table).lines().filter(l -> l.startsWith(":"))
                .forEach(l -> out.add(ChainName.of(l.substring(1, l.indexOf(' ')))));
        return out;
    }

    @Override
    public boolean chainExists(Table table, ChainName chain) {
        CommandRunner.Result r = iptables(table, "-S", chain.name());
        if (r.exit() == 0) {
            return true;
        }
        SvcProxyException e = common(r, base);
        if (e != null) {
            throw e;
        }
        return false; // "No chain/target/match by that name", or the table does not exist yet
    }

    @Override
    public boolean ensureRule(Table table, Rule rule, boolean prepend) {
        if (ruleExists(table, rule)) {
            return false;
        }
        List<String> args = new ArrayList<>(List.of(prepend ? "-I" : "-A", rule.chain().name()));
        args.addAll(Args.split(rule.renderSpec(family)));
        run(table, rule, args);
        return true;
    }

    @Override
    public boolean deleteRule(Table table, Rule rule) {
        if (!ruleExists(table, rule)) {
            return false;
        }
        List<String> args = new ArrayList<>(List.of("-D", rule.chain().name()));
        args.addAll(Args.split(rule.renderSpec(family)));
        run(table, rule, args);
        return true;
    }

    @Override
    public boolean ruleExists(Table table, Rule rule) {
        List<String> args = new ArrayList<>(List.of("-C", rule.chain().name()));
        args.addAll(Args.split(rule.renderSpec(family)));
        CommandRunner.Result r = iptables(table, args.toArray(String[]::new));
        if (r.exit() == 0) {
            return true;
        }
        if (r.exit() == 1) {
            return false;
        }
        SvcProxyException e = common(r, base);
        if (e != null) {
            throw e;
        }
        if (r.stderr().contains("does not exist") || r.stderr().contains("No chain/target/match")) {
            throw new NotFoundException("chain or target missing: " + r.stderr().strip(), table + ": " + rule.render(family));
        }
        throw new TransactionFailedException(base + " -C failed", table + ": " + rule.render(family), r.stderr());
    }

    private void run(Table table, Rule rule, List<String> args) {
        CommandRunner.Result r = iptables(table, args.toArray(String[]::new));
        if (r.exit() != 0) {
            SvcProxyException e = common(r, base);
            throw e != null ? e : new TransactionFailedException(base + " refused the rule", table + ": " + rule.render(family), r.stderr());
        }
    }

    private CommandRunner.Result iptables(Table table, String... args) {
        List<String> argv = new ArrayList<>(List.of(base));
        argv.addAll(capabilities.waitFlags());
        argv.addAll(List.of("-t", table.tableName()));
        argv.addAll(List.of(args));
        return runner.run(argv, null);
    }
}
