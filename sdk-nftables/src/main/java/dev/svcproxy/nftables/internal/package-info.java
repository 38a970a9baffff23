/** The nf_tables netlink encoding and the kernel client; not exported. */
package dev.svcproxy.nftables.internal;
