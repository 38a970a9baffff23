// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** The kernel (or a fake) does not have the object the operation needs: a chain, a set, an entry. */
public class NotFoundException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, String object) {
        super(message, object);
    }

    public NotFoundException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
