// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.netlink.xtables.XtablesSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link LegacyNatWriter} against {@code iptables-legacy-restore --noflush}: the same operations, one namespace each,
 * over the same foreign state; the kernel's copies of the two nat tables must be the same bytes (counters aside), and
 * the foreign rules' counters must survive both.
 */
@Tag("kernel")
class KernelLegacyNatWriterTest {
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** Other programs' nat state: a chain of their own, jumps between theirs and from built-ins, a target not encoded here. */
    private static final String FOREIGN = """
            iptables-legacy -t nat -N FOREIGN
            iptables-legacy -t nat -N ZZ-OTHER
            iptables-legacy -t nat -A FOREIGN -s 1.2.3.4/32 -c 7 700 -j RETURN
            iptables-legacy -t nat -A FOREIGN -p tcp --dport 15000 -j ZZ-OTHER
            iptables-legacy -t nat -A FOREIGN -p tcp -j REDIRECT --to-ports 15001
            iptables-legacy -t nat -A ZZ-OTHER -j ACCEPT
            iptables-legacy -t nat -A PREROUTING -c 3 300 -j FOREIGN
            iptables-legacy -t nat -A OUTPUT -o lo -j FOREIGN
            iptables-legacy -t nat -A POSTROUTING -m conntrack --ctstate DNAT -j ACCEPT
            """;

    /** kube-proxy's kinds of nat rules, and every other shape the writer encodes. */
    private static final String FIRST = """
            *nat
            :KUBE-SERVICES - [0:0]
            :KUBE-NODEPORTS - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
            :KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]
            :KUBE-SEP-CCCCCCCCCCCCCCCC - [0:0]
            :KUBE-EXT-AAAAAAAAAAAAAAAA - [0:0]
            :A-FIRST - [0:0]
            -A KUBE-SERVICES -m comment --comment "ns/svc:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA
            -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
            -A KUBE-NODEPORTS -m comment --comment ns/svc:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-AAAAAAAAAAAAAAAA
            -A KUBE-NODEPORTS -m udp -p udp --sport 1000:2000 ! --dport 53 -j RETURN
            -A KUBE-EXT-AAAAAAAAAAAAAAAA -m comment --comment "masquerade traffic for ns/svc:http external destinations" -j KUBE-MARK-MASQ
            -A KUBE-EXT-AAAAAAAAAAAAAAAA -g KUBE-SVC-AAAAAAAAAAAAAAAA
            -A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
            -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
            -A KUBE-POSTROUTING -o eth+ -p udp -m mark --mark 0x1 -j MASQUERADE --to-ports 1000-2000
            -A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
            -A KUBE-SVC-AAAAAAAAAAAAAAAA ! -s 10.128.0.0/10 -d 10.96.0.10 -m comment --comment "ns/svc:http cluster IP" -m tcp -p tcp --dport 80 -j KUBE-MARK-MASQ
            -A KUBE-SVC-AAAAAAAAAAAAAAAA -m comment --comment "ns/svc:http -> 10.128.0.5:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-BBBBBBBBBBBBBBBB
            -A KUBE-SVC-AAAAAAAAAAAAAAAA -m comment --comment "ns/svc:http -> 10.128.0.6:8080" -j KUBE-SEP-CCCCCCCCCCCCCCCC
            -A KUBE-SEP-BBBBBBBBBBBBBBBB -m comment --comment ns/svc:http -s 10.128.0.5 -j KUBE-MARK-MASQ
            -A KUBE-SEP-BBBBBBBBBBBBBBBB -m comment --comment ns/svc:http -m tcp -p tcp -j DNAT --to-destination 10.128.0.5:8080
            -A KUBE-SEP-CCCCCCCCCCCCCCCC -s 10.0.0.0/9 ! -i lo -j KUBE-MARK-MASQ
            -A KUBE-SEP-CCCCCCCCCCCCCCCC -m tcp -p tcp -j DNAT --to-destination 10.128.0.6
            -A A-FIRST ! -p udp -j ACCEPT
            -A A-FIRST -i veth0 -j RETURN
            COMMIT
            """;

    /** A partial sync after it: a service's chains rewritten, an endpoint's chain gone, a new one, a new jump. */
    private static final String SECOND = """
            *nat
            :KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
            :KUBE-SEP-DDDDDDDDDDDDDDDD - [0:0]
            -A KUBE-SVC-AAAAAAAAAAAAAAAA -m comment --comment "ns/svc:http -> 10.128.0.7:8080" -j KUBE-SEP-DDDDDDDDDDDDDDDD
            -A KUBE-SEP-DDDDDDDDDDDDDDDD -m tcp -p tcp -j DNAT --to-destination 10.128.0.7:8080
            COMMIT
            """;

    @Test
    void writesTheTablesTheToolWritesAndKeepsOtherProgramsRulesAndCounters() throws Exception {
        try (NetworkNamespace tool = namespace(); NetworkNamespace direct = namespace()) {
            tool.sh(FOREIGN);
            direct.sh(FOREIGN);
            IptablesClient client = IptablesClient.newBuilder().netns(tool.path()).flavour(Flavour.LEGACY).writeDirectly(false).build();
            LegacyNatWriter writer = new LegacyNatWriter(Optional.of(direct.path()), lockFile(), Duration.ofSeconds(5));

            IptablesTransaction first = transaction(FIRST);
            first.deleteChain(Table.NAT, ChainName.of("KUBE-SEP-OLD"));
            first.insert(Table.NAT, Rule.in("PREROUTING").comment("kubernetes service portals").jump("KUBE-SERVICES"));
            first.append(Table.NAT, Rule.in("POSTROUTING").comment("kubernetes postrouting rules").jump("KUBE-POSTROUTING"));
            tool.sh("iptables-legacy -t nat -N KUBE-SEP-OLD; iptables-legacy -t nat -A KUBE-SEP-OLD -j RETURN");
            direct.sh("iptables-legacy -t nat -N KUBE-SEP-OLD; iptables-legacy -t nat -A KUBE-SEP-OLD -j RETURN");
            client.apply(first);
            assertTrue(write(writer, first.orderedOperations(Table.NAT)), "the first load is written without the tool");
            assertSameTables(tool, direct);

            IptablesTransaction second = transaction(SECOND);
            second.deleteChain(Table.NAT, ChainName.of("KUBE-SEP-CCCCCCCCCCCCCCCC"));
            second.deleteChain(Table.NAT, ChainName.of("KUBE-SEP-BBBBBBBBBBBBBBBB"));
            client.apply(second);
            assertTrue(write(writer, second.orderedOperations(Table.NAT)), "the partial sync is written without the tool");
            assertSameTables(tool, direct);

            String save = direct.sh("iptables-legacy-save -c -t nat");
            assertTrue(save.contains("[7:700] -A FOREIGN -s 1.2.3.4/32 -j RETURN"), save);
            assertTrue(save.contains("[3:300] -A PREROUTING -j FOREIGN"), save);
            assertTrue(save.contains("-A FOREIGN -p tcp -j REDIRECT --to-ports 15001"), save);
        }
    }

    /**
     * A table past what the writer keeps buffers for (a node's at 10,000 services): its first load is written here as
     * the tool writes it; a partial sync's write over it is the tool's, a full sync's (flushing and refilling every
     * chain) is written here again.
     */
    @Test
    void writesTablesPastWhatItKeepsOnlyInFirstLoadsAndFullSyncs() throws Exception {
        try (NetworkNamespace tool = namespace(); NetworkNamespace direct = namespace()) {
            StringBuilder payload = new StringBuilder("*nat\n:KUBE-MARK-MASQ - [0:0]\n");
            int chains = 30_000; // two rules with comments each: about 39 MiB of entries
            for (int i = 0; i < chains; i++) {
                payload.append(String.format(":KUBE-SEP-%016X - [0:0]%n", i));
            }
            payload.append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n");
            for (int i = 0; i < chains; i++) {
                String ip = "10." + (128 + i / 65536) + "." + (i / 256 % 256) + "." + i % 256;
                String chain = String.format("KUBE-SEP-%016X", i);
                payload.append("-A ").append(chain).append(" -m comment --comment ns/svc-").append(i).append(":http -s ").append(ip)
                        .append(" -j KUBE-MARK-MASQ\n-A ").append(chain).append(" -m comment --comment ns/svc-").append(i)
                        .append(":http -m tcp -p tcp -j DNAT --to-destination ").append(ip).append(":8080\n");
            }
            String first = payload.append("COMMIT\n").toString();
            IptablesClient client = IptablesClient.newBuilder().netns(tool.path()).flavour(Flavour.LEGACY).writeDirectly(false).build();
            LegacyNatWriter writer = new LegacyNatWriter(Optional.of(direct.path()), lockFile(), Duration.ofSeconds(5));
            IptablesTransaction load = transaction(first);
            client.apply(load);
            assertTrue(write(writer, load.orderedOperations(Table.NAT)), "the first load is written without the tool");
            assertSameTables(tool, direct);
            int size;
            try (XtablesSocket s = XtablesSocket.open(IpFamily.IPV4, Optional.of(direct.path()))) {
                size = XtTable.readInfo(s, "nat", ByteBuffer.allocateDirect(XtTable.INFO_SIZE));
            }
            assertTrue(size > LegacyNatWriter.KEPT_BYTES * 9 / 8, "a table past what the writer keeps buffers for: " + size);
            assertTrue(writer.begin(false).isEmpty(), "a partial sync's write over it is the tool's");

            IptablesTransaction full = transaction(first.replace("10.128.0.7:8080", "10.128.0.7:9090"));
            client.apply(full);
            assertTrue(write(writer, full.orderedOperations(Table.NAT)), "a full sync's is written without the tool");
            assertSameTables(tool, direct);
            assertTrue(direct.sh("iptables-legacy-save -t nat").contains("--to-destination 10.128.0.7:9090"));
        }
    }

    @Test
    void leavesToTheToolWhatItCannotWriteAsTheToolWould() throws Exception {
        try (NetworkNamespace direct = namespace()) {
            LegacyNatWriter writer = new LegacyNatWriter(Optional.of(direct.path()), lockFile(), Duration.ofSeconds(5));
            String before = direct.sh("iptables-legacy-save -t nat | grep -v '^#'");
            // a rule with no encoding here, a jump to a chain that does not exist, an append to a missing chain
            IptablesTransaction nth = transaction("*nat\n:KUBE-X - [0:0]\n-A KUBE-X -m statistic --mode nth --every 2 --packet 0 -j RETURN\nCOMMIT\n");
            assertFalse(write(writer, nth.orderedOperations(Table.NAT)));
            IptablesTransaction dangling = transaction("*nat\n:KUBE-X - [0:0]\n-A KUBE-X -j KUBE-MISSING\nCOMMIT\n");
            assertFalse(write(writer, dangling.orderedOperations(Table.NAT)));
            IptablesTransaction.Op append = new IptablesTransaction.Append(Table.NAT, Rule.in("KUBE-NOWHERE").returns(), IpFamily.IPV4);
            assertFalse(write(writer, List.of(append)));
            assertEquals(before, direct.sh("iptables-legacy-save -t nat | grep -v '^#'"), "nothing was written");
        }
    }

    @Test
    void readsTheTableAsTheToolSavesIt() throws Exception {
        try (NetworkNamespace ns = namespace()) {
            ns.sh("""
                    iptables-legacy -t nat -N FOREIGN
                    iptables-legacy -t nat -A FOREIGN -s 1.2.3.0/24 -c 7 700 -j RETURN
                    iptables-legacy -t nat -A PREROUTING -j FOREIGN
                    iptables-legacy -t nat -A OUTPUT ! -o lo -p udp -j FOREIGN
                    """);
            IptablesClient client = IptablesClient.newBuilder().netns(ns.path()).flavour(Flavour.LEGACY).writeDirectly(false).build();
            IptablesTransaction first = transaction(FIRST);
            first.insert(Table.NAT, Rule.in("PREROUTING").comment("kubernetes service portals").jump("KUBE-SERVICES"));
            client.apply(first);
            String tool = ns.sh("iptables-legacy-save -t nat | grep -v '^#'").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
            String own = LegacyNatSave.read(Optional.of(ns.path()), c -> true).orElseThrow();
            assertEquals(tool, own, "the same text as the tool's save");
            assertEquals(Ruleset.parse(tool, IpFamily.IPV4), client.save(Table.NAT, c -> true));

            ns.sh("iptables-legacy -t nat -A POSTROUTING -m conntrack --ctstate DNAT -j ACCEPT");
            assertFalse(LegacyNatSave.read(Optional.of(ns.path()), c -> true).isPresent(), "a rule with no line here: the tool's");
            assertTrue(LegacyNatSave.read(Optional.of(ns.path()), c -> c.name().startsWith("KUBE-")).isPresent(),
                    "unless its chain's rules are not asked for");
            IptablesClient direct = IptablesClient.newBuilder().netns(ns.path()).flavour(Flavour.LEGACY).build();
            String all = ns.sh("iptables-legacy-save -t nat | grep -v '^#'");
            assertEquals(Ruleset.parse(all, IpFamily.IPV4), direct.save(Table.NAT, c -> true), "the client falls back to the tool");
        }
    }

    /**
     * A save while the client's write of nat is begun (from the transaction's lastly callback, where the iptables
     * backend's full sync reads nat) is that write's own read, made under its lock: a change made meanwhile by a program
     * that takes another lock file is not in it, and the write, finding the table changed, is busy and writes nothing.
     */
    @Test
    void aSaveDuringTheWriteIsTheWritesOwnReadUnderItsLock() throws Exception {
        try (NetworkNamespace ns = namespace()) {
            ns.sh(FOREIGN);
            IptablesClient client = IptablesClient.newBuilder().netns(ns.path()).flavour(Flavour.LEGACY).build();
            java.util.function.Predicate<ChainName> rulesOf = c -> c.name().startsWith("KUBE-") || c.name().equals("ZZ-OTHER");
            assertTrue(client.savesFromTheWrite(Table.NAT), "a nat table this client writes itself");
            assertFalse(client.savesFromTheWrite(Table.FILTER), "filter: the tool's");
            Ruleset before = client.save(Table.NAT, rulesOf);
            Path otherLock = lockFile();
            List<Ruleset> seen = new java.util.ArrayList<>();
            IptablesTransaction tx = transaction(FIRST).lastly(Table.NAT, t -> {
                seen.add(client.save(Table.NAT, rulesOf));
                ns.sh("XTABLES_LOCKFILE=" + otherLock + " iptables-legacy -w 1 -t nat -N SNEAKY");
                seen.add(client.save(Table.NAT, rulesOf));
            });
            assertThrows(dev.svcproxy.api.BusyException.class, () -> client.apply(tx));
            assertEquals(List.of(before, before), seen, "both saves: the table the write read, without the chain made since");
            assertFalse(seen.get(1).chains(Table.NAT).containsKey(ChainName.of("SNEAKY")));
            String after = ns.sh("iptables-legacy-save -t nat");
            assertTrue(after.contains(":SNEAKY - [0:0]") && !after.contains("KUBE-"), "the write wrote nothing: " + after);
            assertTrue(client.save(Table.NAT, rulesOf).chains(Table.NAT).containsKey(ChainName.of("SNEAKY")),
                    "outside a write, a save reads the kernel");
        }
    }

    /** The xtables lock, held by another program: the writer waits for it, and past its wait it is busy, having written nothing. */
    @Test
    void waitsForTheXtablesLockAndIsBusyPastTheWait() throws Exception {
        try (NetworkNamespace ns = namespace()) {
            Path lock = lockFile();
            IptablesTransaction tx = transaction("*nat\n:KUBE-LOCKED - [0:0]\n-A KUBE-LOCKED -j RETURN\nCOMMIT\n");
            Process holder = new ProcessBuilder("flock", lock.toString(), "sleep", "3").start();
            try {
                Thread.sleep(300); // the holder has the lock
                LegacyNatWriter impatient = new LegacyNatWriter(Optional.of(ns.path()), lock, Duration.ofSeconds(1));
                dev.svcproxy.api.BusyException e = org.junit.jupiter.api.Assertions.assertThrows(dev.svcproxy.api.BusyException.class,
                        () -> write(impatient, tx.orderedOperations(Table.NAT)));
                assertTrue(e.getMessage().contains(lock.toString()), e.getMessage());
                assertFalse(ns.sh("iptables-legacy-save -t nat").contains("KUBE-LOCKED"), "nothing written");
                long start = System.nanoTime();
                LegacyNatWriter patient = new LegacyNatWriter(Optional.of(ns.path()), lock, Duration.ofSeconds(10));
                assertTrue(write(patient, tx.orderedOperations(Table.NAT)));
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(500).toNanos(), "it waited for the holder");
                assertTrue(ns.sh("iptables-legacy-save -t nat").contains(":KUBE-LOCKED - [0:0]"));
            } finally {
                holder.destroy();
                holder.waitFor();
            }
        }
    }

    private static boolean write(LegacyNatWriter writer, List<IptablesTransaction.Op> ops) {
        try (LegacyNatWriter.Write w = writer.begin(true).orElseThrow()) {
            return w.write(ops);
        }
    }

    private static IptablesTransaction transaction(String payload) {
        Ruleset r = Ruleset.parse(payload, IpFamily.IPV4);
        IptablesTransaction tx = IptablesTransaction.create(IpFamily.IPV4);
        r.chains(Table.NAT).keySet().forEach(c -> tx.flushChain(Table.NAT, c));
        r.chains(Table.NAT).values().forEach(c -> c.rules().forEach(rule -> tx.append(Table.NAT, rule)));
        return tx;
    }

    /** The kernel's copies of both nat tables, counters set to zero: the same bytes. */
    private static void assertSameTables(NetworkNamespace a, NetworkNamespace b) {
        assertEquals(a.sh("iptables-legacy-save -t nat | grep -v '^#'"), b.sh("iptables-legacy-save -t nat | grep -v '^#'"));
        byte[][] ta = table(a);
        byte[][] tb = table(b);
        assertArrayEquals(ta[0], tb[0], "ipt_getinfo");
        assertArrayEquals(ta[1], tb[1], "the entries");
    }

    private static byte[][] table(NetworkNamespace ns) {
        try (XtablesSocket s = XtablesSocket.open(IpFamily.IPV4, Optional.of(ns.path()))) {
            ByteBuffer info = ByteBuffer.allocateDirect(XtTable.INFO_SIZE);
            int size = XtTable.readInfo(s, "nat", info);
            ByteBuffer b = XtTable.readEntries(s, "nat", size, ByteBuffer.allocateDirect(XtTable.GET_ENTRIES_HEADER + size));
            for (int at = 0; at < size; at += b.getShort(XtTable.GET_ENTRIES_HEADER + at + IptEntries.NEXT_OFFSET_AT) & 0xffff) {
                b.put(XtTable.GET_ENTRIES_HEADER + at + 96, new byte[16]); // the counters
            }
            byte[] i = new byte[XtTable.INFO_SIZE];
            byte[] e = new byte[b.limit()];
            info.get(0, i);
            b.get(0, e);
            return new byte[][] {i, e};
        }
    }

    private static Path lockFile() throws java.io.IOException {
        Path p = Files.createTempFile("svcp-test-xtables", ".lock");
        p.toFile().deleteOnExit();
        return p;
    }

    private static NetworkNamespace namespace() {
        return NetworkNamespace.create("svcp-test-" + ProcessHandle.current().pid() + "-x" + SEQ.incrementAndGet());
    }
}
