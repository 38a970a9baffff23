// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.nftables.internal.IntervalKeys;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Follows the first packet of a new connection through a listed table's base chains, hook by hook as netfilter runs
 * them: for a packet arriving from outside prerouting, then input or forward (by whether the destination, after any
 * DNAT, is one of {@code localAddresses}), then postrouting; for one this host sends output, then postrouting. It
 * evaluates the rules' expressions as the kernel does (registers, payload and meta loads, comparisons, masks, set
 * and map lookups with concatenated and interval keys, jumps, gotos and returns, {@code ct state} as {@code new},
 * {@code fib ... type} against the local addresses, mark, {@code dnat}, {@code masquerade}, {@code reject}). At a
 * {@code numgen} it follows every value, each with its share, so a trace gives each destination's share of new
 * connections. What it cannot evaluate (a raw expression) it reports and treats as not matching.
 */
public final class NftPacketTracer {
    private final TableContents table;
    private final Set<IpAddress> local;

    /** A packet: addresses, protocol, ports, and the interface it came in on (empty when this host sends it). */
    public record Packet(IpAddress source, IpAddress destination, Protocol protocol, int sourcePort, int destinationPort,
                         Optional<String> inInterface) {
        /**
         * Whether this host sends the packet (no input interface).
         *
         * @return true for locally generated packets
         */
        public boolean sentHere() {
            return inInterface.isEmpty();
        }
    }

    /** The end of one path: the rules it matched, where DNAT sent it, whether it is masqueraded, its verdict, and its share. */
    public record Outcome(List<String> steps, Optional<HostPort> dnat, boolean masquerade, Verdict.Kind verdict, boolean rejected,
                          double share) {
    }

    /**
     * A tracer over a listed table.
     *
     * @param table the table, e.g. from {@link FakeNftables} or the kernel
     * @param localAddresses this host's addresses (they decide input against forward)
     */
    public NftPacketTracer(TableContents table, Set<IpAddress> localAddresses) {
        this.table = table;
        this.local = Set.copyOf(localAddresses);
    }

    /**
     * Every way the packet can go (more than one where a {@code numgen} splits), with their shares summing to 1.
     *
     * @param p the packet
     * @return every way the packet can go (more than one where a {@code numgen} splits), with their shares summing to 1
     */
    public List<Outcome> trace(Packet p) {
        List<Outcome> out = new ArrayList<>();
        State s = new State(p);
        run(s, p.sentHere() ? Arrays.asList(Chain.HookPoint.OUTPUT, Chain.HookPoint.POSTROUTING)
                : Arrays.asList(Chain.HookPoint.PREROUTING, null, Chain.HookPoint.POSTROUTING), 0, out);
        return out;
    }

    /**
     * Each destination's share of new connections.
     *
     * @param outcomes the outcomes of {@link #trace}
     * @return each destination's share of new connections
     */
    public static Map<HostPort, Double> shares(List<Outcome> outcomes) {
        Map<HostPort, Double> m = new LinkedHashMap<>();
        outcomes.stream().filter(o -> o.dnat().isPresent()).sorted(Comparator.comparing(o -> o.dnat().get()))
                .forEach(o -> m.merge(o.dnat().get(), o.share(), Double::sum));
        return m;
    }

    /** The packet's state on one path. */
    private static final class State {
        IpAddress dst;
        int dport;
        final Packet p;
        long mark;
        boolean masquerade;
        boolean rejected;
        Optional<HostPort> dnat = Optional.empty();
        Verdict.Kind verdict = Verdict.Kind.ACCEPT;
        double share = 1;
        final List<String> steps = new ArrayList<>();
        final byte[] regs = new byte[4 * 24];

        State(Packet p) {
            this.p = p;
            this.dst = p.destination();
            this.dport = p.destinationPort();
        }

        State copy() {
            State c = new State(p);
            c.dst = dst;
            c.dport = dport;
            c.mark = mark;
            c.masquerade = masquerade;
            c.rejected = rejected;
            c.dnat = dnat;
            c.verdict = verdict;
            c.share = share;
            c.steps.addAll(steps);
            System.arraycopy(regs, 0, c.regs, 0, regs.length);
            return c;
        }
    }

    /** Runs hooks {@code hooks} from index {@code i} (null: input or forward, chosen by the destination). */
    private void run(State s, List<Chain.HookPoint> hooks, int i, List<Outcome> out) {
        if (i == hooks.size() || s.verdict == Verdict.Kind.DROP) {
            out.add(new Outcome(List.copyOf(s.steps), s.dnat, s.masquerade, s.verdict, s.rejected, s.share));
            return;
        }
        Chain.HookPoint hook = hooks.get(i) != null ? hooks.get(i) : local.contains(s.dst) ? Chain.HookPoint.INPUT : Chain.HookPoint.FORWARD;
        List<Chain> bases = table.chains().stream().filter(c -> c.hook().isPresent() && c.hook().get().point() == hook)
                .sorted(Comparator.comparingInt(c -> c.hook().get().priority())).toList();
        runBases(s, bases, 0, hooks, i, out);
    }

    private void runBases(State s, List<Chain> bases, int b, List<Chain.HookPoint> hooks, int i, List<Outcome> out) {
        if (b == bases.size() || s.verdict == Verdict.Kind.DROP) {
            run(s, hooks, i + 1, out);
            return;
        }
        List<State> ends = new ArrayList<>();
        chain(s, bases.get(b), 0, new ArrayList<>(), ends);
        for (State e : ends) {
            if (e.verdict != Verdict.Kind.DROP) {
                e.verdict = Verdict.Kind.ACCEPT; // an accept ends this base chain only; the next ones still see the packet
            }
            runBases(e, bases, b + 1, hooks, i, out);
        }
    }

    /** A position to come back to after a jump: the chain and its next rule. */
    private record Frame(Chain chain, int rule) {
    }

    /** Runs {@code chain} from rule {@code from}; each state that leaves the chain (verdict, or the end) goes to {@code ends}. */
    private void chain(State s, Chain chain, int from, List<Frame> stack, List<State> ends) {
        List<Rule> rules = table.rules(chain.name());
        for (int r = from; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            List<State> results = new ArrayList<>();
            rule(s.copy(), rule, 0, results);
            boolean continued = false;
            for (State x : results) {
                Verdict v = verdicts.remove(x);
                if (v != null) {
                    x.steps.add(chain.name() + ": " + rule.statements());
                }
                if (v == null || v.kind() == Verdict.Kind.CONTINUE) { // no match, or a match with no verdict: the next rule
                    if (results.size() == 1) {
                        s = x;
                        continued = true;
                    } else {
                        chain(x, chain, r + 1, stack, ends);
                    }
                    continue;
                }
                switch (v.kind()) {
                    case JUMP, GOTO -> {
                        List<Frame> next = new ArrayList<>(stack);
                        if (v.kind() == Verdict.Kind.JUMP) {
                            next.add(new Frame(chain, r + 1));
                        }
                        Chain target = table.chains().stream().filter(c -> c.name().equals(v.chain().orElseThrow())).findFirst()
                                .orElse(Chain.of(table.table(), v.chain().orElseThrow()));
                        x.verdict = Verdict.Kind.CONTINUE;
                        chain(x, target, 0, next, ends);
                    }
                    case RETURN -> {
                        x.verdict = Verdict.Kind.CONTINUE;
                        back(x, stack, ends);
                    }
                    default -> {
                        x.verdict = v.kind();
                        ends.add(x);
                    }
                }
            }
            if (!continued) {
                return;
            }
        }
        back(s, stack, ends);
    }

    /** The end of a chain (or a return): back to the rule after the last jump, or out of the base chain. */
    private void back(State s, List<Frame> stack, List<State> ends) {
        if (stack.isEmpty()) {
            ends.add(s);
            return;
        }
        Frame f = stack.get(stack.size() - 1);
        chain(s, f.chain(), f.rule(), stack.subList(0, stack.size() - 1), ends);
    }

    /** What a rule's evaluation ended in, by state: its verdict, {@code continue} for a match without one, none for no match. */
    private final Map<State, Verdict> verdicts = new java.util.IdentityHashMap<>();

    /** Evaluates {@code rule}'s expressions from {@code e}; the states after it (more than one after a numgen) go to {@code out}. */
    private void rule(State s, Rule rule, int e, List<State> out) {
        List<Expr> exprs = rule.exprs();
        for (int i = e; i < exprs.size(); i++) {
            Expr x = exprs.get(i);
            if (x instanceof Expr.Numgen n) {
                for (int v = 0; v < n.modulus(); v++) {
                    State c = s.copy();
                    c.share = s.share / n.modulus();
                    put(c, n.dreg(), host32(v + n.offset()));
                    rule(c, rule, i + 1, out);
                }
                return;
            }
            Boolean go = step(s, x);
            if (go == null) { // a verdict: the rule ends here
                out.add(s);
                return;
            }
            if (!go) {
                verdicts.remove(s);
                out.add(s);
                return;
            }
        }
        verdicts.put(s, Verdict.CONTINUE);
        out.add(s);
    }

    /** One expression: true to go on, false if the rule does not match, null if it reached a verdict. */
    private Boolean step(State s, Expr x) {
        if (x instanceof Expr.Payload p) {
            put(s, p.dreg(), Arrays.copyOfRange(header(s, p.base()), p.offset(), p.offset() + p.length()));
        } else if (x instanceof Expr.Meta m) {
            put(s, m.dreg(), switch (m.key()) {
                case 16 -> new byte[] {(byte) s.p.protocol().number()};
                case 15 -> new byte[] {(byte) (s.p.source().family() == IpFamily.IPV4 ? 2 : 10)};
                case 3 -> host32(s.mark);
                case 6 -> Arrays.copyOf(s.p.inInterface().orElse("").getBytes(java.nio.charset.StandardCharsets.UTF_8), 16);
                default -> new byte[16];
            });
        } else if (x instanceof Expr.Ct c) {
            put(s, c.dreg(), host32(c.key() == 0 ? 8 : 0)); // a new connection
        } else if (x instanceof Expr.Fib f) {
            IpAddress a = (f.flags() & 1) != 0 ? s.p.source() : s.dst;
            put(s, f.dreg(), host32(local.contains(a) ? 2 : 1));
        } else if (x instanceof Expr.Bitwise b) {
            byte[] v = get(s, b.sreg(), b.mask().length);
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) ((v[i] & b.mask()[i]) ^ b.xor()[i]);
            }
            put(s, b.dreg(), v);
        } else if (x instanceof Expr.Cmp c) {
            int cmp = compare(get(s, c.sreg(), c.data().length), c.data());
            return switch (c.op()) {
                case EQ -> cmp == 0;
                case NEQ -> cmp != 0;
                case LT -> cmp < 0;
                case LTE -> cmp <= 0;
                case GT -> cmp > 0;
                case GTE -> cmp >= 0;
            };
        } else if (x instanceof Expr.Lookup l) {
            return lookup(s, l);
        } else if (x instanceof Expr.Immediate im) {
            if (im.dreg() == 0) {
                verdicts.put(s, im.verdict().orElseThrow());
                return null;
            }
            put(s, im.dreg(), im.value());
        } else if (x instanceof Expr.MetaSet m) {
            if (m.key() == 3) {
                s.mark = ByteBuffer.wrap(get(s, m.sreg(), 4)).order(ByteOrder.nativeOrder()).getInt() & 0xffffffffL;
            }
        } else if (x instanceof Expr.Nat n) {
            if (n.dnat()) {
                int len = s.dst.family() == IpFamily.IPV4 ? 4 : 16;
                s.dst = IpAddress.ofBytes(get(s, n.addrReg(), len));
                if (n.protoReg() != 0) {
                    s.dport = ByteBuffer.wrap(get(s, n.protoReg(), 2)).getShort() & 0xffff;
                }
                s.dnat = Optional.of(HostPort.of(s.dst, s.dport));
            }
            verdicts.put(s, Verdict.ACCEPT);
            return null;
        } else if (x instanceof Expr.Masquerade) {
            s.masquerade = true;
            verdicts.put(s, Verdict.ACCEPT);
            return null;
        } else if (x instanceof Expr.Reject) {
            s.rejected = true;
            verdicts.put(s, Verdict.DROP);
            return null;
        } else if (x instanceof Expr.Raw r) {
            s.steps.add("(cannot evaluate " + RulePrinter.raw(r) + ": treated as not matching)");
            return false;
        }
        return true; // counter, limit, log, dynset: no effect on where the packet goes
    }

    private Boolean lookup(State s, Expr.Lookup l) {
        Optional<SetContents> set = l.anonymous().or(() -> table.sets().stream().filter(x -> x.set().name().equals(l.set())).findFirst());
        if (set.isEmpty()) {
            return false;
        }
        NftSet def = set.get().set();
        byte[] key = get(s, l.sreg(), def.keyLength());
        Optional<Element> hit = set.get().elements().stream().filter(e -> contains(def, e, key)).findFirst();
        if (l.dreg().isEmpty()) {
            return hit.isPresent() != l.invert();
        }
        if (hit.isEmpty()) {
            return false;
        }
        if (l.dreg().get() == 0) {
            verdicts.put(s, hit.get().verdict().orElseThrow());
            return null;
        }
        put(s, l.dreg().get(), def.encodeValue(hit.get().value()));
        return true;
    }

    private static boolean contains(NftSet set, Element e, byte[] key) {
        if (set.isAddressIntervals()) {
            DataType t = set.key().get(0);
            IntervalKeys.Interval i = IntervalKeys.parse(t, e.key().get(0));
            BigInteger v = new BigInteger(1, key);
            return v.compareTo(i.first()) >= 0 && v.compareTo(i.last()) <= 0;
        }
        return Arrays.equals(set.encodeKey(e.key()), key);
    }

    /** The packet's network or transport header as the kernel would see it (addresses after any DNAT). */
    private static byte[] header(State s, Expr.Base base) {
        if (base == Expr.Base.TRANSPORT) {
            return ByteBuffer.allocate(8).putShort((short) s.p.sourcePort()).putShort((short) s.dport).array();
        }
        boolean v4 = s.p.source().family() == IpFamily.IPV4;
        ByteBuffer b = ByteBuffer.allocate(v4 ? 20 : 40);
        if (v4) {
            b.put(0, (byte) 0x45).put(9, (byte) s.p.protocol().number()).put(12, s.p.source().bytes()).put(16, s.dst.bytes());
        } else {
            b.put(0, (byte) 0x60).put(6, (byte) s.p.protocol().number()).put(8, s.p.source().bytes()).put(24, s.dst.bytes());
        }
        return b.array();
    }

    /** A register's place in the 32-bit register file (1-4 are the 128-bit registers over 8-23). */
    private static int offset(int reg) {
        return (Expr.reg32(reg) - 8) * 4;
    }

    /** Stores {@code v}, zeroing the rest of its last 32-bit register as the kernel does. */
    private static void put(State s, int reg, byte[] v) {
        int at = offset(reg);
        int padded = Math.min((v.length + 3) & ~3, s.regs.length - at);
        Arrays.fill(s.regs, at, at + padded, (byte) 0);
        System.arraycopy(v, 0, s.regs, at, Math.min(v.length, padded));
    }

    private static byte[] get(State s, int reg, int len) {
        return Arrays.copyOfRange(s.regs, offset(reg), offset(reg) + len);
    }

    private static int compare(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static byte[] host32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((int) v).array();
    }
}
