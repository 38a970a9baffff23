// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.testkit;

import dev.svcproxy.iptables.Flavour;

class KernelLegacyContractTest extends KernelClientContract {
    @Override
    Flavour flavour() {
        return Flavour.LEGACY;
    }
}
