// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import dev.svcproxy.api.InvalidInputException;

/**
 * Client-IP session affinity: the same client goes to the same endpoint for {@code timeoutSeconds}.
 * {@link #NONE} (timeout 0) means no affinity.
 */
public record SessionAffinity(int timeoutSeconds) {
    /** No affinity. */
    public static final SessionAffinity NONE = new SessionAffinity(0);
    /** Kubernetes' default timeout for ClientIP affinity: 3 hours. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10800;

    /**
     * An affinity.
     *
     * @param timeoutSeconds 0 for none, else 1 to 86400 (Kubernetes' range)
     * @throws dev.svcproxy.api.InvalidInputException otherwise
     */
    public SessionAffinity {
        if (timeoutSeconds < 0 || timeoutSeconds > 86400) {
            throw new InvalidInputException("affinity timeout must be 0-86400 seconds, not " + timeoutSeconds, "sessionAffinity");
        }
    }

    /**
     * ClientIP affinity: a client keeps its endpoint until idle for {@code timeoutSeconds}.
     *
     * @param timeoutSeconds 1 to 86400
     * @return the affinity
     */
    public static SessionAffinity clientIp(int timeoutSeconds) {
        if (timeoutSeconds == 0) {
            throw new InvalidInputException("ClientIP affinity needs a timeout > 0", "sessionAffinity");
        }
        return new SessionAffinity(timeoutSeconds);
    }

    /**
     * Whether clients stick to an endpoint.
     *
     * @return true unless this is {@link #NONE}
     */
    public boolean isClientIp() {
        return timeoutSeconds > 0;
    }
}
