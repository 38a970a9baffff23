// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every rule NftCompatRules encodes is, byte for byte, the message iptables-nft 1.8.9 sends for the same line (captured
 * from the tool, {@code iptables-nft-1.8.9-rules.txt}); the rules it leaves to the tool are exactly those it cannot
 * encode (sctp, interfaces).
 */
class NftCompatRulesTest {

    @Test
    void encodesKubeProxysRulesAsIptablesNftDoes() throws IOException {
        List<String> declined = new ArrayList<>();
        assertEquals(16, encode("iptables-nft-1.8.9-rules.txt", IpFamily.IPV4, declined), "the rules encoded");
        assertEquals(List.of(
                "-A KUBE-SEP-U -m sctp -p sctp -j DNAT --to-destination 10.180.0.4:53",
                "-A KUBE-SEP-U -m sctp -p sctp -d 1.2.3.4 --dport 80 -j RETURN",
                "-A KUBE-SEP-U -i eth0 ! -o lo -j KUBE-SEP-U2"), declined);
    }

    @Test
    void encodesKubeProxysIpv6RulesAsIp6tablesNftDoes() throws IOException {
        List<String> declined = new ArrayList<>();
        assertEquals(10, encode("ip6tables-nft-1.8.9-rules.txt", IpFamily.IPV6, declined), "the rules encoded");
        assertEquals(List.of(), declined);
    }

    /** Encodes each rule of {@code resource}, checks it against the tool's message, and returns how many it encoded. */
    private static int encode(String resource, IpFamily family, List<String> declined) throws IOException {
        int encoded = 0;
        List<String> lines;
        try (InputStream in = NftCompatRulesTest.class.getResourceAsStream(resource)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
        for (int i = 0; i < lines.size(); i += 2) {
            List<String> words = Args.split(lines.get(i));
            Rule rule = RuleParser.parse(ChainName.of(words.get(1)), words.subList(2, words.size()));
            Optional<dev.svcproxy.netlink.MessageBuilder> m = NftCompatRules.newRule(family, Table.NAT, rule);
            if (m.isEmpty()) {
                declined.add(lines.get(i));
                continue;
            }
            byte[] bytes = m.get().bytes();
            String ours = HexFormat.of().formatHex(bytes, 16, bytes.length);
            assertEquals(lines.get(i + 1), ours, lines.get(i));
            assertEquals(NftCompatRules.SUBSYS << 8 | NftCompatRules.NEWRULE, m.get().type());
            assertEquals(0xc01, m.get().flags(), "NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND, as the tool");
            encoded++;
        }
        return encoded;
    }

    @Test
    void leavesWhatItDoesNotEncodeToTheTool() {
        for (String line : List.of(
                "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
                "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
                "-A KUBE-SEP-X -m comment --comment ns1/svc1:p80 -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource"
                        + " -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
                "-A KUBE-SVC-X ! -p tcp -j RETURN",
                "-A KUBE-SVC-X -p tcp -m tcp --dport 80:90 -j RETURN",
                "-A KUBE-SVC-X -p tcp -m tcp ! --dport 80 -j RETURN",
                "-A KUBE-SVC-X -p tcp --dport 80 -j RETURN",
                "-A KUBE-SVC-X -s 0.0.0.0/0 -j RETURN",
                "-A KUBE-SVC-X -m statistic --mode nth --every 2 --packet 0 -j RETURN")) {
            List<String> words = Args.split(line);
            Rule rule = RuleParser.parse(ChainName.of(words.get(1)), words.subList(2, words.size()));
            assertTrue(NftCompatRules.newRule(IpFamily.IPV4, Table.NAT, rule).isEmpty(), line);
        }
    }
}
