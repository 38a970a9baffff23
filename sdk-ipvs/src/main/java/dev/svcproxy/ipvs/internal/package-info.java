/** sdk-ipvs internals: the IPVS generic netlink codec, the netlink client and the table diff. Not exported. */
package dev.svcproxy.ipvs.internal;
