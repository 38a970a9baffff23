// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The configuration file a running proxy was started with. kube-proxy exits when that file changes, so that whoever
 * runs it (the kubelet) starts it again with the new configuration; this tells the proxy's loop when. The content is
 * compared (at most once a second), which also sees a ConfigMap update, where the kubelet swaps a symbolic link; a
 * file that cannot be read is not a change (the last configuration stays in force).
 */
final class ConfigFileWatch {
    private static final long PERIOD_NANOS = 1_000_000_000L;
    private final Path file;
    private final byte[] content;
    private final LongSupplier clock;
    private long checkedAt;

    ConfigFileWatch(Path file, LongSupplier nanoClock) {
        this.file = file;
        this.clock = nanoClock;
        this.content = read(file);
        this.checkedAt = nanoClock.getAsLong();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** True once the file reads differently from when the proxy started. */
    synchronized boolean changed() {
        long now = clock.getAsLong();
        if (now - checkedAt < PERIOD_NANOS) {
            return false;
        }
        checkedAt = now;
        byte[] now2 = read(file);
        return now2 != null && content != null && !Arrays.equals(content, now2);
    }

    Path file() {
        return file;
    }
}
