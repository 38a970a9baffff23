// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** This kernel or tool version lacks a feature the operation needs. */
public class UnsupportedByKernelException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public UnsupportedByKernelException(String message, String object) {
        super(message, object);
    }

    public UnsupportedByKernelException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
