/** The static wrappers over libc ({@code Native}): errno to typed exceptions, namespace entry. Not exported. */
package dev.svcproxy.netlink.internal;
