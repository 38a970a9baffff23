// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The error types every svcproxy module throws: one unchecked root, {@link dev.svcproxy.api.SvcProxyException}, and its subtypes. */
package dev.svcproxy.api;
