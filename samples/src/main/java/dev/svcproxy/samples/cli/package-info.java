// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The {@code svcproxy} command: kube-proxy's job ({@code run}, {@code render}, {@code cleanup}) on svcproxy's SDK. */
package dev.svcproxy.samples.cli;
