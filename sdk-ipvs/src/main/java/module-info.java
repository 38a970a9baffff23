/** Typed IPVS virtual servers and destinations, and a client over the kernel's IPVS generic netlink family. */
module dev.svcproxy.ipvs {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.netlink;
    requires org.slf4j;

    exports dev.svcproxy.ipvs;
}
