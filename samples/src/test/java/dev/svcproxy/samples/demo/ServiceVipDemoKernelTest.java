package dev.svcproxy.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.kube.KubeChains;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The seed example on the real kernel: namespaces, real TCP connections, the rules read back with iptables-save. */
@Tag("kernel")
class ServiceVipDemoKernelTest {

    @Test
    void threeHundredConnectionsSpreadOverThreePodsAndOutsideClientsAreMasqueraded() {
        ServiceVipDemo.Result r = ServiceVipDemo.run("svcp-seed-" + ProcessHandle.current().pid(), 300);
        assertEquals(Set.of("pod27", "pod28", "pod30"), r.hitsFromNode().keySet(), r.hitsFromNode().toString());
        assertEquals(300, r.hitsFromNode().values().stream().mapToInt(Integer::intValue).sum(), r.hitsFromNode().toString());
        r.hitsFromNode().forEach((pod, n) -> assertTrue(n >= 60 && n <= 141,
                pod + " got " + n + " of 300 (expected 20%-47%): " + r.hitsFromNode()));
        assertEquals(5, r.clientConnections());
        assertEquals(Set.of(DemoTopology.NODE_BRIDGE_IP), r.sourcesSeenFromClient(),
                "pods must see the node's address, not the client's " + DemoTopology.CLIENT_IP);
        String svc = KubeChains.service(ServicePortName.parse("default/web:http"), Protocol.TCP).name();
        assertTrue(r.rules().contains("-A KUBE-SERVICES -d 10.101.57.97/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j " + svc), r.rules());
        assertTrue(r.rules().contains("--probability 0.33333333349"), r.rules());
        assertTrue(r.rules().contains("--probability 0.50000000000"), r.rules());
        assertEquals(3, r.trace().destinations().size());
        assertTrue(r.trace().masquerade());
    }
}
