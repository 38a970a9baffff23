// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * IPVS for svcproxy: virtual services ({@link dev.svcproxy.ipvs.VirtualServer}, identified by a
 * {@link dev.svcproxy.ipvs.ServiceKey}) and their real servers ({@link dev.svcproxy.ipvs.Destination}), kept apart
 * from what the kernel observes about them ({@link dev.svcproxy.ipvs.ObservedService},
 * {@link dev.svcproxy.ipvs.ObservedDestination}, {@link dev.svcproxy.ipvs.Stats}); {@link dev.svcproxy.ipvs.IpvsClient}
 * over generic netlink with a one-call reconcile of a whole {@link dev.svcproxy.ipvs.IpvsTable};
 * {@link dev.svcproxy.ipvs.FakeIpvs}; and {@link dev.svcproxy.ipvs.IpvsSave}, the {@code ipvsadm -S -n} text.
 */
package dev.svcproxy.ipvs;
