// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link XtTable} without a kernel: a table laid out reads back as the same chains, rules and jumps; new chains go in
 * name order among the others; kept entries keep their counters; a table it does not understand reads as nothing
 * (the tool's, then). {@code KernelLegacyNatWriterTest} holds the layout to the tool's own, byte for byte.
 */
class XtTableTest {
    private static final int NAT_HOOKS = 0x1b; // PREROUTING, INPUT, OUTPUT, POSTROUTING

    @Test
    void aTableLaidOutReadsBackAsTheSameChainsRulesAndJumps() {
        XtTable t = decode(emptyNat()).orElseThrow();
        t.create("KUBE-SVC");
        t.create("KUBE-SEP");
        add(t, "KUBE-SVC", Rule.in("KUBE-SVC").comment("to the endpoint").jump("KUBE-SEP"));
        add(t, "KUBE-SVC", Rule.in("KUBE-SVC").comment("no target").noTarget());
        add(t, "KUBE-SEP", Rule.in("KUBE-SEP").source("10.0.0.5").returns());
        add(t, "PREROUTING", Rule.in("PREROUTING").jump("KUBE-SVC"));
        XtTable.Layout first = t.replace(ByteBuffer::allocate);

        XtTable again = decode(asRead(first)).orElseThrow();
        assertEquals(List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-SEP", "KUBE-SVC"), names(first));
        XtTable.Chain svc = again.chain("KUBE-SVC").orElseThrow();
        assertEquals(2, svc.rules.size());
        assertEquals("KUBE-SEP", svc.rules.get(0).jump().chain());
        assertTrue(svc.rules.get(1).jump().next(), "a rule without a target goes on to the next entry");
        assertEquals("KUBE-SVC", again.chain("PREROUTING").orElseThrow().rules.get(0).jump().chain());
        assertNull(again.chain("KUBE-SEP").orElseThrow().rules.get(0).jump(), "RETURN is no jump");
        // laid out again unchanged: the same bytes, every entry kept where it was
        XtTable.Layout second = again.replace(ByteBuffer::allocate);
        assertArrayEquals(bytes(first.replace(), XtTable.REPLACE_HEADER), bytes(second.replace(), XtTable.REPLACE_HEADER));
        for (int i = 0; i < second.oldIndex().length; i++) {
            int o = second.oldIndex()[i];
            assertTrue(o == -1 || o == i, "entry " + i + " was " + o);
        }
    }

    /** The writer keeps its buffer from one write to the next: a layout writes every byte, whatever was there before. */
    @Test
    void aLayoutWritesEveryByteOfItsTableOverWhatTheBufferHeld() {
        XtTable t = decode(emptyNat()).orElseThrow();
        t.create("KUBE-SVC");
        t.create("KUBE-SEP");
        add(t, "KUBE-SVC", Rule.in("KUBE-SVC").comment("ns/svc:http -> 10.128.0.5:8080").probability(0.5).jump("KUBE-SEP"));
        add(t, "KUBE-SVC", Rule.in("KUBE-SVC").notSource("10.128.0.0/10").protocolModule(Protocol.TCP).dport(80).jump("KUBE-SEP"));
        add(t, "KUBE-SEP", Rule.in("KUBE-SEP").inInterface("eth+").orMark(0x4000));
        add(t, "KUBE-SEP", Rule.in("KUBE-SEP").protocol(Protocol.TCP).dnat("10.128.0.5:8080"));
        add(t, "PREROUTING", Rule.in("PREROUTING").dstType(Match.AddrType.LOCAL).jump("KUBE-SVC"));
        byte[] fresh = bytes(t.replace(ByteBuffer::allocate).replace(), 0);
        ByteBuffer stale = ByteBuffer.allocate(fresh.length);
        java.util.Arrays.fill(stale.array(), (byte) 0xa5);
        assertArrayEquals(fresh, bytes(t.replace(n -> stale).replace(), 0));
    }

    @Test
    void newChainsGoInNameOrderAmongTheOthersAndDeletedOnesLeave() {
        XtTable t = decode(emptyNat()).orElseThrow();
        t.create("B");
        t.create("D");
        XtTable read = decode(asRead(t.replace(ByteBuffer::allocate))).orElseThrow();
        assertTrue(read.inOrder());
        read.create("E");
        read.create("A");
        read.create("C");
        read.delete(read.chain("D").orElseThrow());
        assertEquals(List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "A", "B", "C", "E"), names(read.replace(ByteBuffer::allocate)));
    }

    @Test
    void keptEntriesGetTheirCountersBackAndNewOnesStartAtZero() {
        XtTable t = decode(emptyNat()).orElseThrow();
        t.create("X");
        add(t, "X", Rule.in("X").returns());
        XtTable read = decode(asRead(t.replace(ByteBuffer::allocate))).orElseThrow();
        read.create("W"); // before X: every entry of X moves
        XtTable.Layout l = read.replace(ByteBuffer::allocate);
        ByteBuffer old = ByteBuffer.allocate(16 * read.oldEntries()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < read.oldEntries(); i++) {
            old.putLong(16 * i, 100 + i).putLong(16 * i + 8, 1000 + i);
        }
        ByteBuffer c = XtTable.counters("nat", l, old, ByteBuffer::allocate);
        assertEquals(l.oldIndex().length, c.getInt(32));
        for (int i = 0; i < l.oldIndex().length; i++) {
            int o = l.oldIndex()[i];
            assertEquals(o < 0 ? 0 : 100 + o, c.getLong(XtTable.COUNTERS_HEADER + 16 * i), "packets of entry " + i);
        }
        assertTrue(java.util.Arrays.stream(l.oldIndex()).filter(o -> o >= 0).count() >= 5, "X's rule and the four policies");
    }

    @Test
    void aTableItDoesNotUnderstandReadsAsNothing() {
        XtTable t = decode(emptyNat()).orElseThrow();
        t.create("X");
        add(t, "X", Rule.in("X").jump("X"));
        ByteBuffer[] read = asRead(t.replace(ByteBuffer::allocate));
        ByteBuffer e = read[1];
        int jump = firstEntryAt(e, "X"); // X's only rule: its verdict now points into the middle of an entry
        e.putInt(XtTable.GET_ENTRIES_HEADER + jump + IptEntries.verdictAt(e, XtTable.GET_ENTRIES_HEADER + jump), jump + 4);
        assertFalse(decode(read).isPresent(), "a jump to no chain's start");

        ByteBuffer[] zero = asRead(t.replace(ByteBuffer::allocate));
        zero[1].putShort(XtTable.GET_ENTRIES_HEADER + IptEntries.NEXT_OFFSET_AT, (short) 0);
        assertFalse(decode(zero).isPresent(), "an entry of no length");
    }

    private static void add(XtTable t, String chain, Rule rule) {
        int length = IptEntries.rule(rule).orElseThrow().length;
        t.chain(chain).orElseThrow().rules.add(XtTable.Entry.of(rule, length));
    }

    /** The offset (in the entries) of the first rule of user chain {@code name}. */
    private static int firstEntryAt(ByteBuffer read, String name) {
        ByteBuffer b = read.slice(XtTable.GET_ENTRIES_HEADER, read.limit() - XtTable.GET_ENTRIES_HEADER).order(ByteOrder.nativeOrder());
        for (int at = 0; at < b.limit(); at += b.getShort(at + IptEntries.NEXT_OFFSET_AT) & 0xffff) {
            if (IptEntries.targetName(b, at).equals("ERROR") && IptEntries.errorName(b, at).equals(name)) {
                return at + (b.getShort(at + IptEntries.NEXT_OFFSET_AT) & 0xffff);
            }
        }
        throw new AssertionError("no chain " + name);
    }

    /** The chains of a layout, in order, read back. */
    private static List<String> names(XtTable.Layout l) {
        ByteBuffer[] read = asRead(l);
        ByteBuffer b = read[1].slice(XtTable.GET_ENTRIES_HEADER, read[1].limit() - XtTable.GET_ENTRIES_HEADER).order(ByteOrder.nativeOrder());
        ByteBuffer info = read[0];
        List<String> out = new ArrayList<>();
        String[] hooks = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
        for (int at = 0; at < b.limit(); at += b.getShort(at + IptEntries.NEXT_OFFSET_AT) & 0xffff) {
            for (int h = 0; h < 5; h++) {
                if ((NAT_HOOKS & 1 << h) != 0 && info.getInt(36 + 4 * h) == at) {
                    out.add(hooks[h]);
                }
            }
            int next = at + (b.getShort(at + IptEntries.NEXT_OFFSET_AT) & 0xffff);
            if (IptEntries.targetName(b, at).equals("ERROR") && next < b.limit()) {
                out.add(IptEntries.errorName(b, at));
            }
        }
        return out;
    }

    /** What the kernel gives for a table an {@code ipt_replace} set: its {@code ipt_getinfo} and {@code ipt_get_entries}. */
    private static ByteBuffer[] asRead(XtTable.Layout l) {
        ByteBuffer r = l.replace().order(ByteOrder.nativeOrder());
        int size = r.getInt(40);
        ByteBuffer info = ByteBuffer.allocate(XtTable.INFO_SIZE).order(ByteOrder.nativeOrder());
        info.put(0, "nat".getBytes(StandardCharsets.US_ASCII)).putInt(32, r.getInt(32));
        for (int h = 0; h < 5; h++) {
            info.putInt(36 + 4 * h, r.getInt(44 + 4 * h)).putInt(56 + 4 * h, r.getInt(64 + 4 * h));
        }
        info.putInt(76, r.getInt(36)).putInt(80, size);
        ByteBuffer e = ByteBuffer.allocate(XtTable.GET_ENTRIES_HEADER + size).order(ByteOrder.nativeOrder());
        e.put(0, "nat".getBytes(StandardCharsets.US_ASCII)).putInt(32, size).put(XtTable.GET_ENTRIES_HEADER, r, XtTable.REPLACE_HEADER, size);
        return new ByteBuffer[] {info, e};
    }

    /** The kernel's empty nat table: the four built-in chains' ACCEPT policies and the end. */
    private static ByteBuffer[] emptyNat() {
        byte[] policy = IptEntries.standard(IptEntries.ACCEPT);
        byte[] end = IptEntries.error("ERROR");
        int size = 4 * policy.length + end.length;
        ByteBuffer info = ByteBuffer.allocate(XtTable.INFO_SIZE).order(ByteOrder.nativeOrder());
        info.put(0, "nat".getBytes(StandardCharsets.US_ASCII)).putInt(32, NAT_HOOKS);
        int[] at = {0, policy.length, -1, 2 * policy.length, 3 * policy.length};
        for (int h = 0; h < 5; h++) {
            info.putInt(36 + 4 * h, Math.max(0, at[h])).putInt(56 + 4 * h, Math.max(0, at[h]));
        }
        info.putInt(76, 5).putInt(80, size);
        ByteBuffer e = ByteBuffer.allocate(XtTable.GET_ENTRIES_HEADER + size).order(ByteOrder.nativeOrder());
        e.put(0, "nat".getBytes(StandardCharsets.US_ASCII)).putInt(32, size);
        for (int i = 0; i < 4; i++) {
            e.put(XtTable.GET_ENTRIES_HEADER + i * policy.length, policy);
        }
        e.put(XtTable.GET_ENTRIES_HEADER + 4 * policy.length, end);
        return new ByteBuffer[] {info, e};
    }

    private static Optional<XtTable> decode(ByteBuffer[] read) {
        return XtTable.decode("nat", read[0], read[1]);
    }

    private static byte[] bytes(ByteBuffer b, int from) {
        byte[] out = new byte[b.limit() - from];
        b.get(from, out);
        return out;
    }
}
