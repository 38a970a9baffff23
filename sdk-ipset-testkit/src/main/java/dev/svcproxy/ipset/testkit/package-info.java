// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The ipset client contract ({@code IpsetClientContract}): extend it, return a fresh client from {@code client()}, and
 * JUnit runs every check against it.
 */
package dev.svcproxy.ipset.testkit;
