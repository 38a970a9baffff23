// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.net.Protocol;
import org.junit.jupiter.api.Test;

class KubeChainsTest {

    @Test
    void chainNamesMatchKubeProxysTestVectors() {
        ServicePortName n = ServicePortName.parse("ns1/svc1:p80");
        assertEquals("KUBE-SVC-XPGD46QRK7WJZT7O", KubeChains.service(n, Protocol.TCP).name());
        assertEquals("KUBE-SEP-SXIVWICOYRO3J4NJ", KubeChains.endpoint(n, Protocol.TCP, Endpoint.parse("10.180.0.1:80")).name());
        assertEquals("KUBE-SVL-XPGD46QRK7WJZT7O", KubeChains.serviceLocal(n, Protocol.TCP).name());
        assertEquals("KUBE-EXT-XPGD46QRK7WJZT7O", KubeChains.external(n, Protocol.TCP).name());
        assertEquals("KUBE-FW-XPGD46QRK7WJZT7O", KubeChains.firewall(n, Protocol.TCP).name());
    }

    @Test
    void hashIsBase32OfSha256() {
        // python3 -c "import hashlib,base64;print(base64.b32encode(hashlib.sha256(b'ns1/svc1tcp').digest())[:16])"
        assertEquals("AQI2S6QIMU7PVVRP", KubeChains.hash("ns1/svc1tcp"));
        assertEquals("KUBE-SVC-AQI2S6QIMU7PVVRP", KubeChains.service(ServicePortName.parse("ns1/svc1"), Protocol.TCP).name());
    }
}
