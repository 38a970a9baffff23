package dev.svcproxy.samples.cli;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import dev.svcproxy.netlink.nfacct.NfacctClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What kube-proxy reads from this namespace's kernel before writing rules: {@code nf_conntrack_tcp_be_liberal}
 * (no INVALID drop when 1) and its two nfacct counters (counted into only if they exist). {@code create} makes the
 * counters as kube-proxy does at start; render only looks.
 */
final class KernelFacts {

    private KernelFacts() {
    }

    static boolean tcpBeLiberal() {
        try {
            return Files.readString(Path.of("/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal")).strip().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * kube-proxy's conntrack settings ({@code setupConntrack}): {@code nf_conntrack_max} from maxPerCore x CPUs (at
     * least min), the TCP established and close-wait timeouts, {@code tcp_be_liberal}, the UDP timeouts; zero
     * leaves a setting alone. A setting the kernel will not let us write (e.g. the global maximum from inside a
     * network namespace) is reported and skipped, as kube-proxy does.
     */
    static void applyConntrack(dev.svcproxy.k8s.ProxyConfig.Conntrack c, java.util.function.Consumer<String> warn) {
        if (c.maxPerCore() > 0) {
            long max = Math.max((long) c.maxPerCore() * Runtime.getRuntime().availableProcessors(), c.min());
            sysctl("nf_conntrack_max", max, warn);
        }
        sysctl("nf_conntrack_tcp_timeout_established", c.tcpEstablishedTimeout().toSeconds(), warn);
        sysctl("nf_conntrack_tcp_timeout_close_wait", c.tcpCloseWaitTimeout().toSeconds(), warn);
        if (c.tcpBeLiberal()) {
            sysctl("nf_conntrack_tcp_be_liberal", 1, warn);
        }
        sysctl("nf_conntrack_udp_timeout", c.udpTimeout().toSeconds(), warn);
        sysctl("nf_conntrack_udp_timeout_stream", c.udpStreamTimeout().toSeconds(), warn);
    }

    private static void sysctl(String name, long value, java.util.function.Consumer<String> warn) {
        if (value > 0) {
            set("net/netfilter/" + name, value, warn);
        }
    }

    /** Writes {@code /proc/sys/<path>} if it differs; a refusal is reported, not fatal. */
    private static void set(String path, long value, java.util.function.Consumer<String> warn) {
        Path p = Path.of("/proc/sys", path);
        try {
            if (!Files.readString(p).strip().equals(String.valueOf(value))) {
                Files.writeString(p, String.valueOf(value));
            }
        } catch (IOException e) {
            warn.accept("cannot set " + path.replace('/', '.') + "=" + value + ": " + e.getMessage());
        }
    }

    /**
     * kube-proxy's IPVS-mode settings ({@code NewProxier}): {@code vs/conntrack=1} (so iptables sees IPVS traffic
     * for masquerade), {@code vs/conn_reuse_mode=0} only on kernels 4.1-5.8, {@code vs/expire_nodest_conn=1},
     * {@code vs/expire_quiescent_template=1}, {@code ip_forward=1}, strictARP's {@code arp_ignore=1} and
     * {@code arp_announce=2}; then the IPVS timeouts that are not 0, as {@code ipvsadm --set} does.
     */
    static void applyIpvs(dev.svcproxy.k8s.ProxyConfig.Ipvs c, java.util.function.Consumer<String> warn) {
        set("net/ipv4/vs/conntrack", 1, warn);
        int[] kernel = kernelVersion();
        if ((kernel[0] > 4 || kernel[0] == 4 && kernel[1] >= 1) && (kernel[0] < 5 || kernel[0] == 5 && kernel[1] < 9)) {
            set("net/ipv4/vs/conn_reuse_mode", 0, warn);
        }
        set("net/ipv4/vs/expire_nodest_conn", 1, warn);
        set("net/ipv4/vs/expire_quiescent_template", 1, warn);
        set("net/ipv4/ip_forward", 1, warn);
        if (c.strictArp()) {
            set("net/ipv4/conf/all/arp_ignore", 1, warn);
            set("net/ipv4/conf/all/arp_announce", 2, warn);
        }
        dev.svcproxy.ipvs.Timeouts t = new dev.svcproxy.ipvs.Timeouts((int) c.tcpTimeout().toSeconds(),
                (int) c.tcpFinTimeout().toSeconds(), (int) c.udpTimeout().toSeconds());
        if (t.tcp() > 0 || t.tcpFin() > 0 || t.udp() > 0) {
            try (dev.svcproxy.ipvs.IpvsClient ipvs = dev.svcproxy.ipvs.IpvsClient.open()) {
                ipvs.setTimeouts(t);
            } catch (SvcProxyException e) {
                warn.accept("cannot set the IPVS timeouts: " + e.getMessage());
            }
        }
    }

    private static int[] kernelVersion() {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            return new int[] {Integer.parseInt(v[0]), v.length > 1 ? Integer.parseInt(v[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }

    /** The backend options these facts give; with {@code create}, the counters are made first. */
    static Map<String, String> options(NfacctClient nfacct, boolean create) {
        Map<String, String> o = new HashMap<>();
        if (tcpBeLiberal()) {
            o.put(KubeProxyRules.OPTION_TCP_BE_LIBERAL, "true");
        }
        if (nfacct != null) {
            for (String[] c : new String[][] {{KubeProxyRules.COUNTER_INVALID, KubeProxyRules.OPTION_NFACCT_INVALID},
                    {KubeProxyRules.COUNTER_LOCALHOST, KubeProxyRules.OPTION_NFACCT_LOCALHOST}}) {
                try {
                    if (create) {
                        nfacct.ensure(c[0]);
                    }
                    if (nfacct.get(c[0]).isPresent()) {
                        o.put(c[1], "true");
                    }
                } catch (SvcProxyException e) {
                    // no nfacct in this kernel: kube-proxy then writes its rules without the counters
                }
            }
        }
        return o;
    }

    /** A client for the counters, or null where nfnetlink_acct cannot be used. */
    static NfacctClient nfacct() {
        try {
            return NfacctClient.open();
        } catch (SvcProxyException | LinkageError e) {
            return null;
        }
    }
}
