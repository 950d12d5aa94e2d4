package dev.berth.registry.server;

import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;

/** The 405 answer for a method an endpoint does not have, naming the ones it has. */
final class Methods {
    private Methods() {
    }

    static DistributionException unsupported(Exchange exchange, String allowed) {
        exchange.header(Headers.ALLOW, allowed);
        return new DistributionException(ErrorCode.UNSUPPORTED, exchange.method() + " is not supported here");
    }
}
