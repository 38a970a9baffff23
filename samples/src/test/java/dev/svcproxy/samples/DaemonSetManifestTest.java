// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.k8s.ProxyConfigLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/svcproxy-daemonset.yaml} parses with fabric8's Kubernetes model without a single unknown field
 * (a typo would land in a model object's additional properties), and says what the README promises.
 */
class DaemonSetManifestTest {
    static final Path MANIFEST = Path.of("../deploy/svcproxy-daemonset.yaml");

    static List<HasMetadata> objects() throws IOException {
        KubernetesSerialization k = new KubernetesSerialization();
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : Files.readString(MANIFEST).split("(?m)^---$")) {
            if (!doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                out.add(k.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    /** Every fabric8 model object reachable from {@code o} has no additional (unknown) properties. */
    static void noUnknownFields(Object o, String path, List<String> found, Map<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                noUnknownFields(e, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                noUnknownFields(v, path + "." + m.getName().substring(3), found, seen);
            }
        }
    }

    @Test
    void parsesWithNoUnknownFieldAndKeepsRbacToWhatTheProxyNeeds() throws Exception {
        List<HasMetadata> objs = objects();
        assertEquals(List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet"),
                objs.stream().map(HasMetadata::getKind).toList());
        List<String> unknown = new ArrayList<>();
        for (HasMetadata o : objs) {
            noUnknownFields(o, o.getKind(), unknown, new IdentityHashMap<>());
        }
        assertTrue(unknown.isEmpty(), "fields the API schema does not have: " + unknown);

        ClusterRole role = (ClusterRole) objs.get(1);
        Set<String> grants = new TreeSet<>();
        for (PolicyRule r : role.getRules()) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    for (String v : r.getVerbs()) {
                        grants.add((g.isEmpty() ? "core" : g) + "/" + res + ":" + v);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("core/services:list", "core/services:watch", "core/nodes:list", "core/nodes:watch",
                "discovery.k8s.io/endpointslices:list", "discovery.k8s.io/endpointslices:watch",
                "networking.k8s.io/servicecidrs:list", "networking.k8s.io/servicecidrs:watch", // kube-proxy reads ServiceCIDRs
                "core/events:create", "core/events:patch", "core/events:update",
                "events.k8s.io/events:create", "events.k8s.io/events:patch", "events.k8s.io/events:update")), grants);

        DaemonSet ds = (DaemonSet) objs.get(4);
        io.fabric8.kubernetes.api.model.PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostNetwork());
        Container c = pod.getContainers().get(0);
        // kubeadm's kube-proxy: privileged (sysctls under /proc/sys, kernel modules) and its command line as it is
        assertTrue(c.getSecurityContext().getPrivileged(), "privileged, as kubeadm's kube-proxy");
        assertEquals(List.of("/opt/svcproxy/bin/svcproxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"),
                c.getCommand());
        assertEquals("/livez", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(10256, c.getLivenessProbe().getHttpGet().getPort().getIntVal());
        assertEquals("/healthz", c.getReadinessProbe().getHttpGet().getPath());
        assertTrue(c.getResources().getLimits().containsKey("memory") && c.getResources().getRequests().containsKey("memory"),
                "a memory request and limit (the image caps the heap at a share of the limit)");
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/var/lib/kube-proxy")
                && m.getName().equals(pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getName())));

        // the ConfigMap: a configuration svcproxy accepts, whose kubeconfig is the file next to it, and that kubeconfig
        // reaches the control plane by address with the ServiceAccount's token file, not through a Service IP
        Map<String, String> data = ((ConfigMap) objs.get(3)).getData();
        ProxyConfig config = ProxyConfigLoader.parse(data.get("config.conf"));
        assertEquals("iptables", config.mode());
        assertEquals("10.244.0.0/16", config.clusterCidrs().get(0).toString());
        assertEquals(java.util.Optional.of("/var/lib/kube-proxy/kubeconfig.conf"), config.clientConnection().kubeconfig());
        io.fabric8.kubernetes.api.model.Config kubeconfig = io.fabric8.kubernetes.client.internal.KubeConfigUtils
                .parseConfigFromString(data.get("kubeconfig.conf"));
        assertEquals("https://CONTROL_PLANE_ENDPOINT:6443", kubeconfig.getClusters().get(0).getCluster().getServer());
        assertEquals("/var/run/secrets/kubernetes.io/serviceaccount/token", kubeconfig.getUsers().get(0).getUser().getTokenFile());
        assertEquals("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                kubeconfig.getClusters().get(0).getCluster().getCertificateAuthority());
    }
}
