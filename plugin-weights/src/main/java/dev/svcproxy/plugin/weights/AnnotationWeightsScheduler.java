// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.plugin.weights;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.WeightedEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Weights from the Service: a Service annotated {@code svcproxy.dev/scheduler: annotation-weights} and
 * {@code svcproxy.dev/weights: "10.244.0.27=3, 10.244.0.28:8080=2"} gives each endpoint (by IP, or IP:port) its
 * weight; endpoints not named get 1, and 0 takes one out of rotation. In iptables mode the weights become the
 * {@code -m statistic} probabilities, in IPVS mode the real servers' weights under {@code wrr}, in nftables mode
 * {@code numgen} slots in the weights' proportions. An annotation that
 * does not parse skips the service with a message naming it.
 */
public final class AnnotationWeightsScheduler implements Scheduler {
    public static final String NAME = "annotation-weights";
    public static final String WEIGHTS = "svcproxy.dev/weights";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String backend) {
        return backend.equals("iptables") || backend.equals("ipvs") || backend.equals("nftables");
    }

    @Override
    public Optional<String> ipvsScheduler(VirtualService service) {
        return Optional.of("wrr");
    }

    @Override
    public List<WeightedEndpoint> schedule(VirtualService service, List<Endpoint> endpoints) {
        Map<String, Integer> weights = parse(service);
        return endpoints.stream().map(e -> new WeightedEndpoint(e,
                weights.getOrDefault(e.hostPort().toString(), weights.getOrDefault(e.ip().toString(), 1)))).toList();
    }

    static Map<String, Integer> parse(VirtualService service) {
        Map<String, Integer> out = new HashMap<>();
        String text = service.annotations().getOrDefault(WEIGHTS, "");
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] kv = item.strip().split("=");
            try {
                int w = Integer.parseInt(kv[1].strip());
                if (kv.length != 2 || w < 0 || w > 65535) {
                    throw new NumberFormatException();
                }
                out.put(kv[0].strip(), w);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new InvalidInputException("annotation " + WEIGHTS + ": expected ENDPOINT=WEIGHT (0-65535), found '"
                        + item.strip() + "'", service.name().toString());
            }
        }
        return out;
    }
}
