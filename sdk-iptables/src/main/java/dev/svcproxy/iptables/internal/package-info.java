/** sdk-iptables internals: rule word splitting and quoting, the iptables-save parser, the exec client. Not exported. */
package dev.svcproxy.iptables.internal;
