// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** The caller lacks the privilege the operation needs (usually CAP_NET_ADMIN / root). */
public class PermissionDeniedException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message, String object) {
        super(message, object);
    }

    public PermissionDeniedException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
