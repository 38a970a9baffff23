// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.demo;

import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throw-away cluster node made of network namespaces: {@code node} with bridge {@code cbr0} (10.244.0.1/24),
 * one namespace per pod on that bridge (hairpin mode on its port, as kubelet sets it), each running a small TCP server that answers with its name and the
 * address it saw, and a {@code client} outside the pod CIDR (192.168.77.2) routed through the node.
 * {@link #close()} deletes everything.
 */
public final class DemoTopology implements AutoCloseable {
    public static final String NODE_BRIDGE_IP = "10.244.0.1";
    public static final String CLIENT_IP = "192.168.77.2";

    private final List<NetworkNamespace> namespaces = new ArrayList<>();
    private final Map<String, NetworkNamespace> pods = new java.util.LinkedHashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final NetworkNamespace node;
    private final NetworkNamespace client;

    /** Pods named {@code podNN} at {@code 10.244.0.NN}, for each last octet given ({@code pods(27, 28)}). */
    public static Map<String, String> pods(int... lastOctets) {
        Map<String, String> pods = new java.util.LinkedHashMap<>();
        for (int n : lastOctets) {
            pods.put("pod" + n, "10.244.0." + n);
        }
        return pods;
    }

    /** Builds the node, one pod per entry of {@code pods} (name to IP) serving on {@code port}, and the client. */
    public DemoTopology(String prefix, Map<String, String> pods, int port) {
        this(prefix, pods, port, false);
    }

    /**
     * As above; with {@code http} the pods answer as small HTTP servers: they read the request line, then reply
     * {@code 200} with the body {@code "<pod> <client address>"}.
     */
    public DemoTopology(String prefix, Map<String, String> pods, int port, boolean http) {
        try {
            node = add(NetworkNamespace.create(prefix + "-node"));
            node.sh("ip link add name cbr0 type bridge && ip addr add " + NODE_BRIDGE_IP + "/24 dev cbr0"
                    + " && ip link set cbr0 up && sysctl -qw net.ipv4.ip_forward=1"
                    + " && ip route add 10.96.0.0/12 dev cbr0");
            int i = 0;
            for (Map.Entry<String, String> pod : pods.entrySet()) {
                NetworkNamespace ns = add(NetworkNamespace.create(prefix + "-" + pod.getKey()));
                this.pods.put(pod.getKey(), ns);
                String host = "vethp" + i++;
                // hairpin on, as kubelet's hairpin-veth mode sets it: a pod's packet DNATed back to the same pod
                // leaves through the port it came in by
                node.sh("ip link add name " + host + " type veth peer name eth0 netns " + ns.name()
                        + " && ip link set " + host + " master cbr0 up && ip link set " + host + " type bridge_slave hairpin on");
                ns.sh("ip addr add " + pod.getValue() + "/24 dev eth0 && ip link set eth0 up"
                        + " && ip route add default via " + NODE_BRIDGE_IP);
                // the shell must outlive socat's start of the transfer: socat 1.7.4 exits (status 1) without reading
                // its SYSTEM child's output when the child ends before that (its log shows "childdied" and "exiting
                // with status 1" with no "starting data transfer loop"), and the client then gets an empty
                // connection. `read` and `cat` wait for what only the transfer delivers: the request, or the end of it
                String answer = http ? "SYSTEM:read request; echo HTTP/1.0 200 OK; echo; echo " + pod.getKey() + " $SOCAT_PEERADDR"
                        : "SYSTEM:echo " + pod.getKey() + " $SOCAT_PEERADDR; cat >/dev/null";
                // -t5: the answer may come up to 5 s after the client's end of input (socat's default: 0.5 s)
                Process p = ns.start("socat", "-t5", "TCP-LISTEN:" + port + ",fork,reuseaddr", answer);
                servers.add(p);
            }
            client = add(NetworkNamespace.create(prefix + "-client"));
            node.sh("ip link add name vethc type veth peer name eth0 netns " + client.name()
                    + " && ip addr add 192.168.77.1/24 dev vethc && ip link set vethc up");
            client.sh("ip addr add " + CLIENT_IP + "/24 dev eth0 && ip link set eth0 up"
                    + " && ip route add default via 192.168.77.1");
            for (Map.Entry<String, String> pod : pods.entrySet()) {
                waitForServer(pod.getValue(), port);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private NetworkNamespace add(NetworkNamespace ns) {
        namespaces.add(ns);
        return ns;
    }

    private void waitForServer(String ip, int port) {
        for (int attempt = 0; attempt < 50; attempt++) { // at most ~5 s
            if (!node.sh("echo | socat -T1 -t1 - TCP:" + ip + ":" + port + ",connect-timeout=1 2>/dev/null || true").isBlank()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("pod server " + ip + ":" + port + " did not start");
    }

    public NetworkNamespace node() {
        return node;
    }

    /** The namespace of the pod named {@code name}. */
    public NetworkNamespace pod(String name) {
        NetworkNamespace ns = pods.get(name);
        if (ns == null) {
            throw new IllegalArgumentException("no pod " + name);
        }
        return ns;
    }

    public NetworkNamespace client() {
        return client;
    }

    /**
     * Opens {@code count} connections to {@code target} (ip:port) from {@code from}, one after the other with a
     * 5 s limit each, and returns the servers' answers ("podName peerAddress"), one per successful connection. The
     * client sends nothing, so its socat half-closes at once; both sides then wait up to the limit for the other's
     * data ({@code -t}; with socat's default of 0.5 s, an answer from a pod's forked shell that starts later than that
     * is lost, as a namespace with a server that sleeps 1 s shows).
     */
    public List<String> connect(NetworkNamespace from, String target, int count) {
        return connect(from, target, count, 5);
    }

    /** The limit of each connection in the kernel VM, whose CPU qemu emulates (2 s is tight there). */
    public static final int VM_SECONDS = 10;

    /**
     * {@link #connect(NetworkNamespace, String, int)} with {@code seconds} to connect and to hear back. A connection
     * that brings no answer is kept in {@link #failures()} with socat's exit code, its errors and the time, and the
     * node's conntrack table and every namespace's sockets at that moment go to standard error.
     */
    public List<String> connect(NetworkNamespace from, String target, int count, int seconds) {
        String out = from.sh("d=$(mktemp -d); i=0; while [ $i -lt " + count + " ]; do socat -T" + seconds + " -t" + seconds
                + " - TCP:" + target + ",connect-timeout=" + seconds + " </dev/null >$d/o 2>$d/e; rc=$?;"
                + " if [ -s $d/o ]; then cat $d/o; else echo \"! connection $i to " + target + " from " + from.name()
                + ": exit $rc at $(date +%T.%N): $(tr '\\n' ' ' <$d/e)\"; fi; i=$((i+1)); done; rm -rf $d; true");
        List<String> answers = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> (l.startsWith("! ") ? lost : answers).add(l));
        if (!lost.isEmpty()) {
            failures.addAll(lost);
            System.err.println(String.join("\n", lost) + "\n" + snapshot());
        }
        return answers;
    }

    /** Every connection {@link #connect} opened that brought no answer, described. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    private String snapshot() {
        StringBuilder s = new StringBuilder("node conntrack:\n").append(node.sh("conntrack -L 2>&1; true"));
        for (NetworkNamespace ns : namespaces) {
            s.append(ns.name()).append(" sockets:\n").append(ns.sh("ss -tanoi 2>&1; true"));
        }
        return s.toString();
    }

    @Override
    public void close() {
        servers.forEach(Process::destroyForcibly);
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                namespaces.get(i).close();
            } catch (RuntimeException e) {
                // keep deleting the others
            }
        }
    }
}
