/** sdk-ipset internals: the nfnetlink ipset codec and the netlink client. Not exported. */
package dev.svcproxy.ipset.internal;
