// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Benchmark runners: our cost measured against the kernel tools' own cost, in the same run. */
package dev.svcproxy.samples.bench;
