/** Embedding the iptables SDK in your own program: the README's example, runnable on the kernel or the fake. */
package dev.svcproxy.samples.embed;
