package dev.svcproxy.api.spi;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link ServiceProxyBackend#sync} did: whether it rewrote everything or only what changed, which
 * objects it skipped (and why), and how long it took.
 */
public record SyncResult(boolean full, List<Skipped> skipped, Duration duration) {

    public SyncResult {
        skipped = List.copyOf(skipped);
    }

    /** An object the backend could not program, named as the model names it (e.g. {@code ns/svc:http}). */
    public record Skipped(String object, String reason) {
    }
}
