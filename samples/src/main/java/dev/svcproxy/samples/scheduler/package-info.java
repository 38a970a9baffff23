// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** A sample {@link dev.svcproxy.api.spi.Scheduler} plug-in, registered through the module and META-INF/services. */
package dev.svcproxy.samples.scheduler;
