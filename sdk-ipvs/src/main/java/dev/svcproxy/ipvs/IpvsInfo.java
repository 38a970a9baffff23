// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

/** The kernel's IPVS version (e.g. 0x010201 = 1.2.1) and connection hash table size. */
public record IpvsInfo(int versionCode, long connectionTableSize) {

    /**
     * {@code 1.2.1}.
     *
     * @return the version as text
     */
    public String version() {
        return (versionCode >> 16 & 0xff) + "." + (versionCode >> 8 & 0xff) + "." + (versionCode & 0xff);
    }
}
