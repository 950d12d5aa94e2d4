package dev.berth.runtime.network;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the host's IPv4 interfaces and routes, read from {@code ip -j}: enough to tell which subnets are
 * taken, whether a device exists and what it is, and the MTU of the way out.
 */
record HostInterfaces(List<Link> links, List<Route> routes) {

    /** One interface with its kind ("bridge", "veth", "" for plain devices) and IPv4 networks. */
    record Link(String name, String kind, int mtu, List<Ipv4Subnet> networks, List<Integer> addresses) {
    }

    /** One IPv4 route; {@code destination} is empty for the default route. */
    record Route(Optional<Ipv4Subnet> destination, String device) {
    }

    static HostInterfaces read() {
        JsonNode links = parse(HostCommand.run("listing host interfaces", null, List.of("ip", "-j", "-d", "addr", "show")));
        JsonNode routes = parse(HostCommand.run("listing host routes", null,
                List.of("ip", "-j", "-4", "route", "show", "table", "all")));
        return new HostInterfaces(links(links), routes(routes));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json.isBlank() ? "[]" : json);
        } catch (JacksonException e) {
            throw new ContainerException("cannot understand the output of 'ip -j': " + e.getOriginalMessage(), e);
        }
    }

    private static List<Link> links(JsonNode array) {
        List<Link> links = new ArrayList<>();
        for (JsonNode link : array) {
            List<Ipv4Subnet> networks = new ArrayList<>();
            List<Integer> addresses = new ArrayList<>();
            for (JsonNode address : link.path("addr_info")) {
                if (address.path("family").asString("").equals("inet") && address.has("local")) {
                    int local = Ipv4Subnet.parseAddress(address.path("local").asString(), "interface address");
                    addresses.add(local);
                    networks.add(Ipv4Subnet.containing(local, address.path("prefixlen").asInt(32)));
                }
            }
            links.add(new Link(link.path("ifname").asString(""),
                    link.path("linkinfo").path("info_kind").asString(""),
                    link.path("mtu").asInt(1500), networks, addresses));
        }
        return links;
    }

    private static List<Route> routes(JsonNode array) {
        List<Route> routes = new ArrayList<>();
        for (JsonNode route : array) {
            String type = route.path("type").asString("unicast");
            String dst = route.path("dst").asString("");
            if (!type.equals("unicast") || dst.isEmpty()) {
                continue; // local and broadcast entries mirror interface addresses, which are counted already
            }
            Optional<Ipv4Subnet> destination = dst.equals("default") ? Optional.empty()
                    : Optional.of(dst.contains("/") ? Ipv4Subnet.parse(dst)
                    : Ipv4Subnet.containing(Ipv4Subnet.parseAddress(dst, "route destination"), 32));
            routes.add(new Route(destination, route.path("dev").asString("")));
        }
        return routes;
    }

    Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /**
     * What on the host already uses addresses of {@code subnet}, ignoring the network's own bridge; empty if the
     * subnet is free.
     */
    Optional<String> conflict(Ipv4Subnet subnet, String ownBridge) {
        for (Link link : links) {
            if (link.name().equals(ownBridge)) {
                continue;
            }
            for (Ipv4Subnet network : link.networks()) {
                if (network.overlaps(subnet)) {
                    return Optional.of("address " + network + " on " + link.name());
                }
            }
        }
        for (Route route : routes) {
            if (route.destination().isPresent() && !route.device().equals(ownBridge)
                    && route.destination().get().overlaps(subnet)) {
                return Optional.of("route " + route.destination().get() + " via " + route.device());
            }
        }
        return Optional.empty();
    }

    /** The MTU of the device carrying the default route, so container packets fit the way out; 1500 without one. */
    int uplinkMtu() {
        return routes.stream()
                .filter(r -> r.destination().isEmpty())
                .map(r -> link(r.device()))
                .flatMap(Optional::stream)
                .mapToInt(Link::mtu)
                .min()
                .orElse(1500);
    }

    /** Whether {@code address} is assigned to any interface of this host. */
    boolean isLocalAddress(int address) {
        return links.stream().anyMatch(l -> l.addresses().contains(address));
    }
}
