// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.k8s.ProxyConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * kube-proxy's {@code createClient}: a fabric8 client from {@code clientConnection} and {@code --master}. No kubeconfig
 * and no master: the in-cluster credentials. A kubeconfig: its current context, with {@code --master} replacing the
 * server, and a user's {@code tokenFile} honoured (fabric8 ignores it). qps and burst bound the request rate.
 */
public final class ApiClients {
    private static final Logger LOG = LoggerFactory.getLogger(ApiClients.class);
    private static final String JSON = "application/json";

    private ApiClients() {
    }

    public static KubernetesClient create(ProxyConfig.ClientConnection cc, Optional<String> master) {
        String what = cc.kubeconfig().orElse(master.orElse("in-cluster config"));
        Config config;
        try {
            if (cc.kubeconfig().isPresent()) {
                Path file = Path.of(cc.kubeconfig().get());
                String text = Files.readString(file);
                config = Config.fromKubeconfig(null, text, file.toAbsolutePath().toString());
                Optional<Path> tokenFile = tokenFile(text, file);
                if (tokenFile.isPresent() && (config.getOauthToken() == null || config.getOauthToken().isEmpty())) {
                    config.setOauthTokenProvider(new TokenFile(tokenFile.get(), System::nanoTime));
                }
            } else if (master.isPresent()) {
                config = Config.empty();
            } else {
                config = Config.autoConfigure(null);
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("cannot read the kubeconfig: " + e.getMessage(), what);
        }
        master.ifPresent(config::setMasterUrl);
        if (!cc.contentType().equals(JSON) || !(cc.acceptContentTypes().isEmpty() || cc.acceptContentTypes().equals(JSON))) {
            LOG.debug("clientConnection content types {} / {}: fabric8 reads and writes application/json only, which every API"
                    + " server serves", cc.contentType(), cc.acceptContentTypes().isEmpty() ? "(default)" : cc.acceptContentTypes());
        }
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
        double qps = cc.qps() == 0 ? 5 : cc.qps();
        int burst = cc.burst() == 0 ? 10 : cc.burst();
        if (qps > 0) {
            RateLimit limit = new RateLimit(qps, burst, System::nanoTime);
            builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("svcproxy-rate-limit", limit));
        }
        return builder.build();
    }

    /**
     * The {@code tokenFile} of the current context's user in {@code text}, the kubeconfig read from {@code kubeconfig};
     * a relative path is taken from the kubeconfig's directory.
     */
    static Optional<Path> tokenFile(String text, Path kubeconfig) {
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(text);
        if (!(doc instanceof Map<?, ?> root)) {
            return Optional.empty();
        }
        Object current = root.get("current-context");
        String user = named(root.get("contexts"), current).map(c -> c.get("context")).filter(Map.class::isInstance)
                .map(c -> ((Map<?, ?>) c).get("user")).map(String::valueOf).orElse(null);
        return named(root.get("users"), user).map(u -> u.get("user")).filter(Map.class::isInstance)
                .map(u -> ((Map<?, ?>) u).get("tokenFile")).map(String::valueOf).filter(s -> !s.isBlank())
                .map(t -> kubeconfig.toAbsolutePath().getParent().resolve(t));
    }

    private static Optional<Map<?, ?>> named(Object list, Object name) {
        if (!(list instanceof List<?> l) || name == null) {
            return Optional.empty();
        }
        for (Object e : l) {
            if (e instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
