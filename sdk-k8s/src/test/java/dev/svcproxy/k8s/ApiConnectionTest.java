// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.k8s.internal.ApiClients;
import dev.svcproxy.k8s.internal.RateLimit;
import dev.svcproxy.k8s.internal.TokenFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the proxy reaches the API server: kubeconfig with a token file, --master, the client-side rate limit. */
class ApiConnectionTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theRateLimitIsATokenBucketOfBurstRefilledAtQps() {
        AtomicLong clock = new AtomicLong();
        RateLimit limit = new RateLimit(5, 10, clock::get);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limit.reserve(), "the burst is free");
        }
        assertEquals(SECOND / 5, limit.reserve(), "the 11th waits one token's time");
        assertEquals(2 * SECOND / 5, limit.reserve(), "the 12th waits behind it");
        clock.addAndGet(10 * SECOND);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limit.reserve(), "refilled up to the burst, not beyond");
        }
        assertTrue(limit.reserve() > 0);
    }

    @Test
    void aTokenFileIsReadAgainAfterAMinuteAndKeptWhenItCannotBe(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        AtomicLong clock = new AtomicLong();
        TokenFile token = new TokenFile(file, clock::get);
        assertEquals("first", token.getToken());
        Files.writeString(file, "second\n");
        clock.addAndGet(30 * SECOND);
        assertEquals("first", token.getToken(), "cached for a minute");
        clock.addAndGet(31 * SECOND);
        assertEquals("second", token.getToken(), "rotated");
        Files.delete(file);
        clock.addAndGet(61 * SECOND);
        assertEquals("second", token.getToken(), "unreadable: the last token");
        assertThrows(IOException.class, () -> new TokenFile(dir.resolve("absent"), clock::get));
    }

    @Test
    void aKubeconfigsTokenFileIsHonouredAndMasterReplacesItsServer(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("token"), "sa-token\n");
        Path kubeconfig = dir.resolve("kubeconfig.conf");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: 'https://10.0.0.1:6443'}\n  name: default\n"
                + "contexts:\n- context: {cluster: default, user: default}\n  name: default\ncurrent-context: default\n"
                + "users:\n- name: default\n  user: {tokenFile: token}\n");
        ProxyConfig.ClientConnection cc = new ProxyConfig.ClientConnection(Optional.of(kubeconfig.toString()), 5, 10,
                "application/vnd.kubernetes.protobuf", "");
        try (KubernetesClient c = ApiClients.create(cc, Optional.empty())) {
            assertEquals("https://10.0.0.1:6443/", c.getConfiguration().getMasterUrl());
            assertEquals("sa-token", c.getConfiguration().getOauthTokenProvider().getToken(), "relative to the kubeconfig's directory");
        }
        try (KubernetesClient c = ApiClients.create(cc, Optional.of("https://192.168.0.10:6443"))) {
            assertEquals("https://192.168.0.10:6443/", c.getConfiguration().getMasterUrl());
        }
        try (KubernetesClient c = ApiClients.create(ProxyConfig.ClientConnection.defaults(), Optional.of("http://127.0.0.1:8080"))) {
            assertEquals("http://127.0.0.1:8080/", c.getConfiguration().getMasterUrl());
        }
        assertEquals("https://192.168.0.10:6443 (credentials from " + kubeconfig + ")", cc.describe(Optional.of("https://192.168.0.10:6443")));
        assertEquals("the API server in " + kubeconfig, cc.describe(Optional.empty()));
        ProxyConfig.ClientConnection missing = new ProxyConfig.ClientConnection(Optional.of(dir.resolve("nope").toString()), 5, 10, "", "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ApiClients.create(missing, Optional.empty()));
        assertTrue(e.getMessage().startsWith(dir.resolve("nope") + ": cannot read the kubeconfig"), e.getMessage());
    }

    @Test
    void aChangedConfigurationFileIsSeenAtMostOnceASecondAndAVanishedOneIsNoChange(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.conf");
        Files.writeString(file, "mode: iptables\n");
        AtomicLong clock = new AtomicLong();
        ConfigFileWatch watch = new ConfigFileWatch(file, clock::get);
        clock.addAndGet(2 * SECOND);
        assertFalse(watch.changed());
        Files.delete(file);
        clock.addAndGet(2 * SECOND);
        assertFalse(watch.changed(), "unreadable: the configuration in force stays");
        Files.writeString(file, "mode: nftables\n");
        assertFalse(watch.changed(), "checked at most once a second");
        clock.addAndGet(2 * SECOND);
        assertTrue(watch.changed());
    }
}
