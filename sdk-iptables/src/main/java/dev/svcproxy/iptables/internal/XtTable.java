// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.iptables.Rule;
import dev.svcproxy.netlink.xtables.XtablesSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An IPv4 x_tables table as libiptc (iptables-legacy) sees it: built-in chains (their rules and policy) in hook
 * order, then user chains, each an {@code ERROR} head naming it, its rules and a {@code RETURN} end, then the table's
 * {@code ERROR} end. Read from the kernel's copy ({@link #decode}), changed chain by chain, and laid out again
 * ({@link #replace}) as libiptc lays it out: entries kept byte for byte, the standard target's jumps (offsets) moved
 * with their chains, new user chains placed in name order among the others. A rule's entry remembers where it was,
 * so that its counters can be put back ({@link #counters}).
 */
final class XtTable {
    /** {@code sizeof(struct ipt_replace)}, {@code sizeof(struct ipt_getinfo)}, {@code sizeof(struct ipt_get_entries)}. */
    static final int REPLACE_HEADER = 96;
    static final int INFO_SIZE = 84;
    static final int GET_ENTRIES_HEADER = 40;
    /** {@code sizeof(struct xt_counters_info)}, before its counters (16 bytes each). */
    static final int COUNTERS_HEADER = 40;
    private static final int HOOKS = 5;

    /**
     * A rule (or policy) entry: a new one's rule, encoded only when the table is laid out (null for one read, which
     * stays at {@code at} in the buffer read), its length, its index in the table read (-1 if new), and the jump of
     * one read, if any.
     */
    record Entry(Rule rule, int at, int length, int oldIndex, IptEntries.Jump jumpRead) {
        /** A new entry: {@code rule}, which {@link IptEntries#encode} encodes in {@code length} bytes. */
        static Entry of(Rule rule, int length) {
            return new Entry(rule, -1, length, -1, null);
        }

        /** Where its standard target goes, if it jumps (a new one's from its rule, not kept: entries stay small). */
        IptEntries.Jump jump() {
            return rule != null ? IptEntries.jump(rule).orElse(null) : jumpRead;
        }

        Entry withJump(IptEntries.Jump j) {
            return new Entry(rule, at, length, oldIndex, j);
        }
    }

    /** A chain: its name, its hook (-1 for a user chain), its rules, and a built-in chain's policy entry. */
    static final class Chain {
        final String name;
        final int hook;
        final List<Entry> rules = new ArrayList<>(2); // most of kube-proxy's chains are an endpoint's two rules
        Entry policy;
        /** Where its rules start in the table laid out last (a jump's verdict). */
        int firstRule;

        Chain(String name, int hook) {
            this.name = name;
            this.hook = hook;
        }
    }

    private static final String[] HOOK_NAMES = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

    private final String name;
    /** The entries read ({@code ipt_get_entries}' table), where the kept entries' bytes stay. */
    private final ByteBuffer source;
    private final int validHooks;
    private final int oldEntries;
    /** The chains read, in order; a deleted one stays here but leaves {@link #byName}. */
    private final List<Chain> chains = new ArrayList<>();
    /** The chains made since, in the order made. */
    private final List<Chain> created = new ArrayList<>();
    private final Map<String, Chain> byName = new HashMap<>();

    private XtTable(String name, ByteBuffer source, int validHooks, int oldEntries) {
        this.name = name;
        this.source = source;
        this.validHooks = validHooks;
        this.oldEntries = oldEntries;
    }

    /**
     * Reads {@code table}'s {@code ipt_getinfo} into {@code info} (direct, at least {@link #INFO_SIZE} bytes) and
     * returns the size of its entries.
     */
    static int readInfo(XtablesSocket socket, String table, ByteBuffer info) {
        info.clear().limit(INFO_SIZE);
        info.put(0, new byte[INFO_SIZE]).put(0, table.getBytes(StandardCharsets.US_ASCII));
        socket.get(XtablesSocket.GET_INFO, info);
        return info.order(ByteOrder.nativeOrder()).getInt(80);
    }

    /**
     * Reads {@code table}'s {@code ipt_get_entries} of {@code size} bytes (as {@link #readInfo} gave) into
     * {@code buffer} (direct, at least {@link #GET_ENTRIES_HEADER} more) and returns it.
     */
    static ByteBuffer readEntries(XtablesSocket socket, String table, int size, ByteBuffer buffer) {
        buffer.clear().limit(GET_ENTRIES_HEADER + size);
        buffer.order(ByteOrder.nativeOrder()).put(0, new byte[GET_ENTRIES_HEADER]).put(0, table.getBytes(StandardCharsets.US_ASCII))
                .putInt(32, size);
        socket.get(XtablesSocket.GET_ENTRIES, buffer);
        return buffer;
    }

    /**
     * The table the kernel gave ({@code ipt_getinfo}, then {@code ipt_get_entries}); empty if it holds what this class
     * does not read (a jump to no chain's start, a user chain that does not end in {@code RETURN}).
     */
    static Optional<XtTable> decode(String table, ByteBuffer info, ByteBuffer entries) {
        ByteBuffer in = info.order(ByteOrder.nativeOrder());
        int valid = in.getInt(32);
        int count = in.getInt(76);
        int size = in.getInt(80);
        int[] hookEntry = new int[HOOKS];
        int[] underflow = new int[HOOKS];
        for (int h = 0; h < HOOKS; h++) {
            hookEntry[h] = (valid & 1 << h) != 0 ? in.getInt(36 + 4 * h) : -1;
            underflow[h] = (valid & 1 << h) != 0 ? in.getInt(56 + 4 * h) : -1;
        }
        ByteBuffer b = entries.slice(GET_ENTRIES_HEADER, size).order(ByteOrder.nativeOrder());
        XtTable t = new XtTable(table, b, valid, count);
        Map<Integer, String> chainAt = new HashMap<>(); // a user chain's first rule's offset: where jumps to it go
        List<int[]> jumps = new ArrayList<>(); // {chain index, rule index, verdict, offset after the entry}
        Chain current = null;
        int index = 0;
        for (int at = 0; at < size; index++) {
            int next = at + (b.getShort(at + IptEntries.NEXT_OFFSET_AT) & 0xffff);
            if (next <= at || next > size) {
                return Optional.empty();
            }
            String target = IptEntries.targetName(b, at);
            int hook = hookAt(hookEntry, at);
            if (hook >= 0) {
                current = t.add(new Chain(HOOK_NAMES[hook], hook));
            }
            if (target.equals("ERROR")) {
                if (current != null && current.hook < 0 && !endsWithReturn(b, current)) {
                    return Optional.empty();
                }
                if (next == size) {
                    break; // the table's end
                }
                current = t.add(new Chain(IptEntries.errorName(b, at), -1));
                chainAt.put(next, current.name);
            } else if (current == null) {
                return Optional.empty();
            } else {
                boolean policy = current.hook >= 0 && underflow[current.hook] == at;
                if (target.isEmpty()) {
                    int verdict = b.getInt(at + IptEntries.verdictAt(b, at));
                    if (verdict >= 0) {
                        jumps.add(new int[] {t.chains.size() - 1, current.rules.size(), verdict, next});
                    }
                }
                Entry entry = new Entry(null, at, next - at, index, null);
                if (policy) {
                    current.policy = entry;
                } else {
                    current.rules.add(entry);
                }
            }
            at = next;
        }
        for (int[] j : jumps) {
            Chain c = t.chains.get(j[0]);
            Entry e = c.rules.get(j[1]);
            String to = chainAt.get(j[2]);
            if (to == null && j[2] != j[3]) {
                return Optional.empty();
            }
            c.rules.set(j[1], e.withJump(new IptEntries.Jump(to, to == null)));
        }
        for (Chain c : t.chains) {
            if (c.hook < 0) {
                c.rules.remove(c.rules.size() - 1); // the RETURN at its end
            } else if (c.policy == null) {
                return Optional.empty();
            }
        }
        return Optional.of(t);
    }

    private static boolean endsWithReturn(ByteBuffer b, Chain c) {
        if (c.rules.isEmpty()) {
            return false;
        }
        int at = c.rules.get(c.rules.size() - 1).at();
        return IptEntries.targetName(b, at).isEmpty() && b.getInt(at + IptEntries.verdictAt(b, at)) == IptEntries.RETURN;
    }

    private static int hookAt(int[] hookEntry, int at) {
        for (int h = 0; h < HOOKS; h++) {
            if (hookEntry[h] == at) {
                return h;
            }
        }
        return -1;
    }

    private Chain add(Chain c) {
        chains.add(c);
        byName.put(c.name, c);
        return c;
    }

    /** The chain named {@code chain}, if the table has it. */
    Optional<Chain> chain(String chain) {
        return Optional.ofNullable(byName.get(chain));
    }

    /**
     * A new, empty user chain. It is placed at {@link #replace} as libiptc places it: before the first user chain
     * whose name sorts after it. The user chains read are in name order (the tools keep them so); {@link #inOrder} says
     * whether they are.
     */
    Chain create(String chain) {
        Chain c = new Chain(chain, -1);
        created.add(c);
        byName.put(chain, c);
        return c;
    }

    /** Whether the user chains read are in name order (byte order, as {@code strcmp}), as {@link #create} needs. */
    boolean inOrder() {
        for (int i = firstUserChain() + 1; i < chains.size(); i++) {
            if (chains.get(i - 1).name.compareTo(chains.get(i).name) >= 0) {
                return false;
            }
        }
        return true;
    }

    private int firstUserChain() {
        int i = 0;
        while (i < chains.size() && chains.get(i).hook >= 0) {
            i++;
        }
        return i;
    }

    /** The chains in the order of the table to write: those read (less the deleted), the created merged by name. */
    private List<Chain> ordered() {
        created.removeIf(c -> byName.get(c.name) != c);
        created.sort(java.util.Comparator.comparing(c -> c.name));
        List<Chain> out = new ArrayList<>(chains.size() + created.size());
        int k = 0;
        for (Chain c : chains) {
            if (byName.get(c.name) != c) {
                continue; // deleted
            }
            while (c.hook < 0 && k < created.size() && created.get(k).name.compareTo(c.name) < 0) {
                out.add(created.get(k++));
            }
            out.add(c);
        }
        out.addAll(created.subList(k, created.size()));
        return out;
    }

    /** Removes user chain {@code c}. */
    void delete(Chain c) {
        byName.remove(c.name);
    }

    /**
     * The table as {@code iptables-save} prints it: its chains (a built-in one with its policy), then the rules of
     * those {@code rulesOf} accepts ({@link IptSave}); empty if one of those rules has no line there.
     */
    Optional<String> save(java.util.function.Predicate<dev.svcproxy.iptables.ChainName> rulesOf) {
        StringBuilder out = new StringBuilder("*").append(name).append('\n');
        StringBuilder rules = new StringBuilder();
        for (Chain c : chains) {
            String policy = "-";
            if (c.hook >= 0) {
                int verdict = source.getInt(c.policy.at() + IptEntries.verdictAt(source, c.policy.at()));
                policy = verdict == IptEntries.ACCEPT ? "ACCEPT" : verdict == IptEntries.DROP ? "DROP" : null;
                if (policy == null) {
                    return Optional.empty();
                }
            }
            out.append(':').append(c.name).append(' ').append(policy).append(" [0:0]\n");
            if (rulesOf.test(dev.svcproxy.iptables.ChainName.of(c.name))) {
                for (Entry e : c.rules) {
                    Optional<String> line = IptSave.rule(source, c.name, e);
                    if (line.isEmpty()) {
                        return Optional.empty();
                    }
                    rules.append(line.get()).append('\n');
                }
            }
        }
        return Optional.of(out.append(rules).append("COMMIT\n").toString());
    }

    /** Whether any rule jumps to a chain the table does not have. */
    boolean hasDanglingJump() {
        for (Chain c : byName.values()) {
            for (Entry e : c.rules) {
                IptEntries.Jump jump = e.jump();
                if (jump != null && !jump.next() && !byName.containsKey(jump.chain())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The table laid out as {@code struct ipt_replace} in the buffer {@code buffer} gives for its size (the counters'
     * pointer left for the socket to write at {@link #COUNTERS_POINTER}), and the index each entry had in the table
     * read, or -1.
     */
    Layout replace(java.util.function.IntFunction<ByteBuffer> buffer) {
        List<Chain> chains = ordered();
        // offsets first: a user chain's rules start after its head, where jumps to it go
        int size = 0;
        int entries = 0;
        byte[] end = IptEntries.standard(IptEntries.RETURN);
        for (Chain c : chains) {
            if (c.hook < 0) {
                size += HEAD;
                entries++;
                c.firstRule = size;
            }
            for (Entry e : c.rules) {
                size += e.length();
            }
            entries += c.rules.size() + 1;
            size += c.hook < 0 ? end.length : c.policy.length();
        }
        byte[] tableEnd = IptEntries.error("ERROR");
        size += tableEnd.length;
        entries++;
        ByteBuffer r = buffer.apply(REPLACE_HEADER + size).order(ByteOrder.nativeOrder());
        r.clear().limit(REPLACE_HEADER + size);
        r.put(0, new byte[REPLACE_HEADER]).put(0, name.getBytes(StandardCharsets.US_ASCII)).putInt(32, validHooks)
                .putInt(36, entries).putInt(40, size).putInt(84, oldEntries);
        int[] old = new int[entries];
        int at = 0;
        int n = 0;
        for (Chain c : chains) {
            if (c.hook < 0) {
                at = put(r, at, IptEntries.error(c.name));
                old[n++] = -1;
            } else {
                r.putInt(44 + 4 * c.hook, at);
            }
            for (Entry e : c.rules) {
                int start = at;
                at = put(r, at, e);
                IptEntries.Jump jump = e.jump();
                if (jump != null) {
                    int verdict = jump.next() ? at : byName.get(jump.chain()).firstRule;
                    r.putInt(REPLACE_HEADER + start + IptEntries.verdictAt(r, REPLACE_HEADER + start), verdict);
                }
                old[n++] = e.oldIndex();
            }
            if (c.hook < 0) {
                at = put(r, at, end);
                old[n++] = -1;
            } else {
                r.putInt(64 + 4 * c.hook, at);
                at = put(r, at, c.policy);
                old[n++] = c.policy.oldIndex();
            }
        }
        put(r, at, tableEnd);
        old[n] = -1;
        return new Layout(r, old);
    }

    /** The size of a user chain's head: an entry with the {@code ERROR} target. */
    private static final int HEAD = IptEntries.error("x").length;

    /** Where in {@code struct ipt_replace} the pointer to the old counters' buffer goes. */
    static final int COUNTERS_POINTER = 88;

    /** A table laid out: the {@code ipt_replace} (to its limit), and each entry's index in the table read (-1 if new). */
    record Layout(ByteBuffer replace, int[] oldIndex) {
    }

    /** How many entries the table read had: the counters the kernel gives back at the swap. */
    int oldEntries() {
        return oldEntries;
    }

    private static int put(ByteBuffer r, int at, byte[] entry) {
        r.put(REPLACE_HEADER + at, entry);
        return at + entry.length;
    }

    private int put(ByteBuffer r, int at, Entry e) {
        if (e.rule() != null) {
            if (IptEntries.encode(e.rule(), r, REPLACE_HEADER + at) != e.length()) {
                throw new IllegalStateException("encoded again in other than " + e.length() + " bytes: " + e.rule());
            }
            return at + e.length();
        }
        r.put(REPLACE_HEADER + at, source, e.at(), e.length());
        return at + e.length();
    }

    /**
     * {@code struct xt_counters_info}, in the buffer {@code buffer} gives for its size, for the table {@code layout}
     * made: each kept entry's counters from {@code old} (what the swap gave back), zero for the new ones, as libiptc
     * puts them back after its replace.
     */
    static ByteBuffer counters(String table, Layout layout, ByteBuffer old, java.util.function.IntFunction<ByteBuffer> buffer) {
        int n = layout.oldIndex().length;
        ByteBuffer c = buffer.apply(COUNTERS_HEADER + 16 * n).order(ByteOrder.nativeOrder());
        c.clear().limit(COUNTERS_HEADER + 16 * n);
        c.put(0, new byte[COUNTERS_HEADER]).put(0, table.getBytes(StandardCharsets.US_ASCII)).putInt(32, n);
        for (int i = 0; i < n; i++) {
            int o = layout.oldIndex()[i];
            if (o >= 0 && 16 * o + 16 <= old.limit()) {
                c.put(COUNTERS_HEADER + 16 * i, old, 16 * o, 16);
            } else {
                c.putLong(COUNTERS_HEADER + 16 * i, 0).putLong(COUNTERS_HEADER + 16 * i + 8, 0);
            }
        }
        return c;
    }

}
