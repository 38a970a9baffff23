// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ServiceFlag;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Tunnel;
import dev.svcproxy.ipvs.VirtualServer;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpvsSaveTest {

    @Test
    void rendersWhatIpvsadmSaves() {
        // these lines are what ipvsadm v1.31 printed (ipvsadm -S -n) for the same table on Debian's kernel 6.1
        assertEquals(String.join("\n",
                "-A -t 10.101.57.97:80 -s rr",
                "-a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 1",
                "-a -t 10.101.57.97:80 -r 10.244.0.28:8080 -m -w 3",
                "-a -t 10.101.57.97:80 -r 10.244.0.30:80 -g -w 2",
                "-A -u 10.101.57.98:53 -s sh -p 600 -M 255.255.255.0 -o -b sh-fallback,sh-port",
                "-a -u 10.101.57.98:53 -r 10.244.0.27:53 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum",
                "-a -u 10.101.57.98:53 -r 10.244.0.28:53 -i -w 1 --tun-type gre --tun-csum",
                "-a -u 10.101.57.98:53 -r 10.244.0.30:53 -i -w 1 --tun-type ipip",
                "-A --sctp-service 10.101.57.99:9000 -s mh -b mh-fallback,mh-port",
                "-A -t [fd00::10]:443 -s lc -p 300 -M 64",
                "-a -t [fd00::10]:443 -r [fd00::27]:8443 -m -w 2",
                "-A -f 7 -s wlc -b flag-3",
                "-a -f 7 -r 10.244.0.27:0 -m -w 1",
                "-a -f 7 -r 10.244.0.28:99 -g -w 1",
                "-A -f 8 -6 -s dh -b flag-1", ""), IpvsClientContract.everyField().toString());
    }

    @Test
    void badInputIsRefusedBeforeTheKernelIsAsked() {
        ServiceKey web = ServiceKey.of(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
        assertThrows(InvalidInputException.class, () -> ServiceKey.of(Protocol.TCP, IpAddress.parse("10.0.0.1"), 0));
        assertThrows(InvalidInputException.class, () -> VirtualServer.of(web, "Round Robin"));
        InvalidInputException flag = assertThrows(InvalidInputException.class,
                () -> VirtualServer.of(web, "rr").withFlags(Set.of(ServiceFlag.SH_PORT)));
        assertTrue(flag.getMessage().contains("sh-port does not apply to scheduler rr"), flag.getMessage());
        assertThrows(InvalidInputException.class, () -> VirtualServer.of(web, "rr").withPersistenceNetmask(33));
        assertThrows(InvalidInputException.class, () -> Destination.masq(IpAddress.parse("10.0.0.2"), 80, 70000));
        assertThrows(InvalidInputException.class, () -> Tunnel.gue(0, Tunnel.Checksum.NOCSUM));
        assertThrows(InvalidInputException.class, () -> Tunnel.gre(Tunnel.Checksum.REMCSUM));
        InvalidInputException dup = assertThrows(InvalidInputException.class, () -> new IpvsTable()
                .add(VirtualServer.of(web, "rr"), Destination.masq(IpAddress.parse("10.0.0.2"), 80, 1),
                        Destination.masq(IpAddress.parse("10.0.0.2"), 80, 2)));
        assertTrue(dup.getMessage().contains("-t 10.0.0.1:80 -r 10.0.0.2:80"), dup.getMessage());
    }
}
