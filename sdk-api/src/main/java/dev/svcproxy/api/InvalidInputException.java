// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** Input was rejected before anything reached the kernel: a bad address, port, name, probability or reference. */
public class InvalidInputException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message, String object) {
        super(message, object);
    }

    public InvalidInputException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
