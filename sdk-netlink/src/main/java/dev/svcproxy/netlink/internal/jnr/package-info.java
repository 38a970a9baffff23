/**
 * The native binding: libc's socket calls through jnr-ffi. Exported only because jnr-ffi defines its generated
 * class in an unnamed module; not an API. Everything else in svcproxy calls {@link dev.svcproxy.netlink.NetlinkSocket}.
 */
package dev.svcproxy.netlink.internal.jnr;
