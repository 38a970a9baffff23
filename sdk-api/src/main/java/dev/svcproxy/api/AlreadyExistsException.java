// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** The object already exists and the operation may not replace it. */
public class AlreadyExistsException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message, String object) {
        super(message, object);
    }

    public AlreadyExistsException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
