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
        assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork());
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(c.getSecurityContext().getCapabilities().getAdd().contains("NET_ADMIN"));
        assertEquals("/livez", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(10256, c.getLivenessProbe().getHttpGet().getPort().getIntVal());

        // the configuration in the ConfigMap is one svcproxy accepts
        ProxyConfig config = ProxyConfigLoader.parse(((ConfigMap) objs.get(3)).getData().get("config.conf"));
        assertEquals("iptables", config.mode());
        assertEquals("10.244.0.0/16", config.clusterCidrs().get(0).toString());
    }
}
