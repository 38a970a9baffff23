package dev.svcproxy.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built launcher ({@code bin/svcproxy}) on the kernel, inside a throw-away node namespace with three pods. */
@Tag("kernel")
class SvcproxyKernelTest {
    static final Path LAUNCHER = Path.of("../bin/svcproxy").toAbsolutePath().normalize();

    private static String svcproxy(NetworkNamespace ns, String args) {
        return ns.sh(LAUNCHER + " " + args + " 2>&1; echo \"rc=$?\"");
    }

    @Test
    void renderIsAcceptedByIptablesRestoreAndRunOnceServesTheClusterIp(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyTest.MANIFESTS);
        Map<String, String> pods = new LinkedHashMap<>();
        pods.put("pod27", "10.244.0.27");
        pods.put("pod28", "10.244.0.28");
        pods.put("pod30", "10.244.0.30");
        try (DemoTopology topo = new DemoTopology("svcp-test-cli-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            // render touches nothing, and its one-family output is a valid --noflush payload
            Path payload = dir.resolve("v4.rules");
            node.sh(LAUNCHER + " render --manifests " + dir + " --hostname-override node-a --ip-family IPv4 > " + payload + " 2>/dev/null");
            assertFalse(node.exec("iptables-save", "-t", "nat").contains("KUBE-SERVICES"), "render changed nothing");
            node.sh("iptables-restore -w 5 --noflush --test < " + payload);

            String once = svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a");
            assertTrue(once.contains("svcproxy: synced IPv4: 1 services") && once.endsWith("rc=0\n"), once);
            assertTrue(once.contains("skipped: Service default/broken"), once);
            Map<String, Integer> hits = new TreeMap<>();
            topo.connect(node, "10.101.57.97:80", 60).forEach(a -> hits.merge(a.split(" ")[0], 1, Integer::sum));
            assertEquals(60, hits.values().stream().mapToInt(Integer::intValue).sum(), hits.toString());
            assertEquals(3, hits.size(), "all three pods serve: " + hits);

            String cleanup = svcproxy(node, "cleanup");
            assertTrue(cleanup.endsWith("rc=0\n"), cleanup);
            String nat = node.exec("iptables-save", "-t", "nat");
            assertFalse(nat.contains("KUBE-"), nat);
        }
    }
}
