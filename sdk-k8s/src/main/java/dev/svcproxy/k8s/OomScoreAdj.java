// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** kube-proxy's {@code oomScoreAdj}: this process's {@code /proc/self/oom_score_adj}, set when the proxy starts running. */
final class OomScoreAdj {
    private static final Path FILE = Path.of("/proc/self/oom_score_adj");

    private OomScoreAdj() {
    }

    /** Writes {@code value} (-1000..1000) unless it is already set; a refusal (no privilege) is reported, not thrown. */
    static void apply(int value, Consumer<String> warn) {
        try {
            if (Files.readString(FILE).strip().equals(String.valueOf(value))) {
                return;
            }
            Files.writeString(FILE, String.valueOf(value));
        } catch (IOException | SecurityException e) {
            warn.accept("could not set oomScoreAdj " + value + " (" + FILE + "): " + e.getMessage());
        }
    }
}
