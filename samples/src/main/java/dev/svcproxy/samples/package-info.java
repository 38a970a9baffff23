// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Small runnable tools: {@link dev.svcproxy.samples.ListBackends} shows what the SPIs discover. */
package dev.svcproxy.samples;
