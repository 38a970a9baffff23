// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubeconfig user's {@code tokenFile} (kubeadm's kube-proxy kubeconfig points it at the ServiceAccount's projected
 * token), which fabric8 does not read: read again at most once a minute, as client-go's cached file token source
 * does, so a rotated token is picked up; a failed read keeps the last token.
 */
public final class TokenFile implements OAuthTokenProvider {
    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
    static final Duration REREAD = Duration.ofMinutes(1);
    private final Path path;
    private final LongSupplier clock;
    private String token;
    private long readAt;

    /** Reads the file once now: a missing or empty file is an error here, not at the first request. */
    public TokenFile(Path path, LongSupplier nanoClock) throws IOException {
        this.path = path;
        this.clock = nanoClock;
        this.token = read();
        this.readAt = nanoClock.getAsLong();
    }

    private String read() throws IOException {
        String t = Files.readString(path).strip();
        if (t.isEmpty()) {
            throw new IOException("empty token file " + path);
        }
        return t;
    }

    @Override
    public synchronized String getToken() {
        long now = clock.getAsLong();
        if (now - readAt >= REREAD.toNanos()) {
            readAt = now;
            try {
                token = read();
            } catch (IOException e) {
                LOG.warn("cannot read the token file {} again, keeping the last token: {}", path, e.getMessage());
            }
        }
        return token;
    }
}
