/** nfnetlink_acct: the named packet/byte counters that {@code iptables -m nfacct} rules count into. */
package dev.svcproxy.netlink.nfacct;
