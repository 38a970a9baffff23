// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.Endpoint;

/** An endpoint with its share of new connections relative to the others (weight 0 = no new connections). */
public record WeightedEndpoint(Endpoint endpoint, int weight) {

    /**
     * A weighted endpoint.
     *
     * @param endpoint the endpoint
     * @param weight its relative share, 0 or more
     * @throws InvalidInputException for a negative weight
     */
    public WeightedEndpoint {
        if (weight < 0) {
            throw new InvalidInputException("negative weight " + weight, endpoint.toString());
        }
    }
}
