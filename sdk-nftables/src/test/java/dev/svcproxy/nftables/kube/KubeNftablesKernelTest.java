package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableContents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nftables backend on the kernel, against kube-proxy's own table for the same services. */
@Tag("kernel")
class KubeNftablesKernelTest {

    private static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-kpnft-" + what + "-" + ProcessHandle.current().pid());
    }

    /** A table as a comparable value: sets with their elements, chains, and each chain's rules in order. */
    static Map<String, Object> normalised(TableContents t) {
        Map<String, Object> out = new TreeMap<>();
        out.put("table", t.table());
        t.sets().forEach(s -> out.put("set " + s.set().name(), List.of(s.set(), Set.copyOf(s.elements()))));
        t.chains().forEach(c -> out.put("chain " + c.name(), List.of(c, t.rules(c.name()).stream().map(r -> r.statements()).toList())));
        return out;
    }

    /** kube-proxy's dump with its objects before the rules and elements that refer to them, as one nft -f applies. */
    static String reference() throws IOException {
        try (InputStream in = KubeNftablesKernelTest.class.getResourceAsStream("overall.nft")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("add ")).toList();
            List<String> ordered = new ArrayList<>();
            for (String kind : List.of("add table", "add set", "add map", "add chain", "add rule", "add element")) {
                lines.stream().filter(l -> l.startsWith(kind + " ")).forEach(ordered::add);
            }
            return String.join("\n", ordered) + "\n";
        }
    }

    @Test
    void whatTheBackendWritesEqualsWhatKubeProxysTableLoadsAndRenderIsAScriptForIt(@TempDir Path dir) throws Exception {
        try (NetworkNamespace ref = ns("ref"); NetworkNamespace ours = ns("ours"); NetworkNamespace rendered = ns("render");
             NftablesClient refClient = NftablesClient.open(ref.path()); NftablesClient c = NftablesClient.open(ours.path());
             NftablesClient renderedClient = NftablesClient.open(rendered.path())) {
            Path script = dir.resolve("kube-proxy.nft");
            Files.writeString(script, reference());
            ref.exec("nft", "-f", script.toString());
            NftablesBackend backend = new NftablesBackend(c, Scenario.context());
            SyncResult r = backend.sync(Scenario.table());
            assertTrue(r.full());
            assertTrue(r.skipped().isEmpty(), r.skipped().toString());
            Map<String, Object> expected = normalised(refClient.list(Family.IP, "kube-proxy").orElseThrow());
            assertEquals(expected, normalised(c.list(Family.IP, "kube-proxy").orElseThrow()));
            // render's text is an nft script that makes the same table
            Path ours2 = dir.resolve("render.nft");
            Files.writeString(ours2, backend.render(Scenario.table()));
            rendered.exec("nft", "-f", ours2.toString());
            assertEquals(expected, normalised(renderedClient.list(Family.IP, "kube-proxy").orElseThrow()));
        }
    }

    @Test
    void aChangeSendsOnlyItsServiceStaleChainsGoASecondLaterAndAFlushedRulesetHeals() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (NetworkNamespace ns = ns("incr"); NetworkNamespace fresh = ns("fresh"); NftablesClient c = NftablesClient.open(ns.path());
             NftablesClient freshClient = NftablesClient.open(fresh.path())) {
            NftablesBackend backend = new NftablesBackend(c, Scenario.context(), clock::get);
            backend.sync(Scenario.table());
            // svc4 loses 10.180.0.4 and gains 10.180.0.6
            List<VirtualService> changed = new ArrayList<>(Scenario.services());
            changed.set(3, Scenario.svc("ns4", "svc4", "172.30.0.44").addExternalIps(dev.svcproxy.api.net.IpAddress.parse("192.168.99.33"))
                    .addClusterEndpoints(Scenario.ep("10.180.0.5:80"), Scenario.ep("10.180.0.6:80")).build());
            ServiceTable next = Scenario.table(changed);
            clock.addAndGet(100_000_000L);
            SyncResult r = backend.sync(next);
            assertFalse(r.full());
            // only what changed: the new endpoint chain (made, flushed, 2 rules) and the service chain (made, flushed, its
            // masquerade and numgen rules), the stale endpoint chain flushed; .5's chain and the external chain are the
            // same, and no map element changes (they point at the same chains)
            assertEquals(9, backend.lastOperations());
            String gone = "endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80";
            assertTrue(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone), "flushed, not yet deleted");
            assertTrue(c.list(Family.IP, "kube-proxy").orElseThrow().rules(gone).isEmpty());
            // what a partial sync leaves equals what a full sync of the same services writes
            new NftablesBackend(freshClient, Scenario.context()).sync(next);
            Map<String, Object> full = normalised(freshClient.list(Family.IP, "kube-proxy").orElseThrow());
            Map<String, Object> partial = normalised(c.list(Family.IP, "kube-proxy").orElseThrow());
            partial.remove("chain " + gone);
            assertEquals(full, partial);
            // nothing changed: nothing sent; a second later the stale chain is deleted in a transaction of its own
            clock.addAndGet(500_000_000L);
            backend.sync(next);
            assertEquals(0, backend.lastOperations());
            assertTrue(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone));
            clock.addAndGet(600_000_000L);
            backend.sync(next);
            assertFalse(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone));
            // someone flushes the ruleset: the next sync notices and writes everything again
            ns.exec("nft", "flush", "ruleset");
            assertTrue(backend.sync(next).full());
            assertEquals(full, normalised(c.list(Family.IP, "kube-proxy").orElseThrow()));
            assertEquals(0, backend.syncFailures());
        }
    }
}
