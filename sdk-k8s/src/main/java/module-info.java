// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Kubernetes for svcproxy: {@code KubeProxy}, the complete kube-proxy over any backend found by its mode's name;
 * kube-proxy's configuration file, its sources of truth (manifest files; the API server through fabric8
 * informers; a feed the embedding program fills), and the translation of Services, EndpointSlices and Nodes into sdk-api's
 * k8s-free {@link dev.svcproxy.api.model.ServiceTable}, endpoints categorised as kube-proxy does. fabric8 types
 * stay inside: nothing exported mentions them.
 */
module dev.svcproxy.k8s {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.conntrack;
    requires dev.svcproxy.netlink;
    requires org.slf4j;
    requires kubernetes.client.api;
    requires kubernetes.client;
    requires io.fabric8.kubernetes.client.jdkhttp;
    requires kubernetes.model.core;
    requires kubernetes.model.common;
    requires kubernetes.model.discovery;
    requires kubernetes.model.networking;
    requires kubernetes.model.events;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires tools.jackson.databind;
    requires tools.jackson.dataformat.yaml;
    requires org.snakeyaml.engine;
    requires java.management;
    requires java.net.http;
    requires jdk.httpserver;

    exports dev.svcproxy.k8s;
}
