// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** The {@code recording} backend: a provider that records what it is given, for tests of the SPI's users. */
package dev.svcproxy.testing.recording;
