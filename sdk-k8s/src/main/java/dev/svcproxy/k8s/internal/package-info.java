// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * sdk-k8s internals: fabric8 model handling, the Go-duration parser, manifest watching, the translation of the
 * configuration into backend contexts, the conntrack sysctls and the per-sync accounting. Not exported.
 */
package dev.svcproxy.k8s.internal;
