// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

import java.util.Map;

/**
 * No backend could be used: the requested one is missing or cannot run here, or none of the discovered ones
 * can. {@link #reasons()} holds every candidate's reason, by backend name.
 */
public class BackendUnavailableException extends SvcProxyException {
    private static final long serialVersionUID = 1L;
    /** Why each candidate was unusable, by backend name. */
    private final Map<String, String> reasons;

    /**
     * No usable backend.
     *
     * @param message what was asked for
     * @param reasons why each candidate backend was unusable, by name (copied)
     */
    public BackendUnavailableException(String message, Map<String, String> reasons) {
        super(message + describe(reasons));
        this.reasons = Map.copyOf(reasons);
    }

    private static String describe(Map<String, String> reasons) {
        StringBuilder sb = new StringBuilder();
        reasons.forEach((name, why) -> sb.append("\n  ").append(name).append(": ").append(why));
        return sb.toString();
    }

    /**
     * Why each candidate backend was unusable, by name.
     *
     * @return why each candidate backend was unusable, by name
     */
    public Map<String, String> reasons() {
        return reasons;
    }
}
