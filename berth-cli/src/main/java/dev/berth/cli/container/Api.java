package dev.berth.cli.container;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Small helpers for the container commands' API calls. */
final class Api {
    private Api() {
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
