// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.plugin.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.WeightedEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationWeightsSchedulerTest {
    static VirtualService svc(String weights) {
        return VirtualService.builder().name(ServicePortName.parse("default/web")).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse("10.96.0.7")).scheduler(AnnotationWeightsScheduler.NAME)
                .putAnnotation(AnnotationWeightsScheduler.WEIGHTS, weights).build();
    }

    static final List<Endpoint> EPS = List.of(Endpoint.parse("10.244.0.27:80"), Endpoint.parse("10.244.0.28:8080"),
            Endpoint.parse("10.244.0.30:80"));

    @Test
    void weightsByIpOrIpPortOthersOne() {
        List<WeightedEndpoint> w = new AnnotationWeightsScheduler().schedule(svc("10.244.0.27=3, 10.244.0.28:8080=0"), EPS);
        assertEquals(List.of(3, 0, 1), w.stream().map(WeightedEndpoint::weight).toList());
        assertEquals("wrr", new AnnotationWeightsScheduler().ipvsScheduler(svc("")).orElseThrow());
    }

    @Test
    void isFoundThroughServiceLoaderAndCheckedByTheSpi() {
        assertEquals(AnnotationWeightsScheduler.class, Schedulers.find(AnnotationWeightsScheduler.NAME).getClass());
        assertEquals(3, Schedulers.schedule(Schedulers.find(AnnotationWeightsScheduler.NAME), "ipvs", svc("10.244.0.27=2"), EPS).size());
    }

    @Test
    void aBadAnnotationNamesTheServiceAndTheItem() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new AnnotationWeightsScheduler().schedule(svc("10.244.0.27=heavy"), EPS));
        assertTrue(e.getMessage().contains("default/web: annotation svcproxy.dev/weights: expected ENDPOINT=WEIGHT (0-65535), found '10.244.0.27=heavy'"),
                e.getMessage());
    }
}
