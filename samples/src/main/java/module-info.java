/** Runnable examples: the service-VIP demo on throw-away network namespaces and the benchmark runner. */
module dev.svcproxy.samples {
    requires dev.svcproxy.api;
    requires dev.svcproxy.iptables;
    requires org.slf4j;

    exports dev.svcproxy.samples.demo;
    exports dev.svcproxy.samples.bench;
}
