/**
 * Berth's bridge networks for containers run by runc, like Docker's default "bridge".
 *
 * <p>How the engine uses it:
 * <ol>
 *   <li>daemon start: {@link dev.berth.runtime.network.BridgeNetwork#open} with
 *       {@link dev.berth.runtime.network.NetworkConfig#defaultBridge}, then
 *       {@link dev.berth.runtime.network.BridgeNetwork#reconcile} with the ids of the containers it still knows;</li>
 *   <li>per container, after {@code runc create} (which gives the container an empty network namespace) and before
 *       {@code runc start}: {@link dev.berth.runtime.network.BridgeNetwork#attach} with the init PID;</li>
 *   <li>when the container goes, however it goes: {@link dev.berth.runtime.network.BridgeNetwork#detach}.</li>
 * </ol>
 *
 * <p>Names are resolved by the engine through /etc/hosts built from
 * {@link dev.berth.runtime.network.BridgeNetwork#attachments}. DNS servers are not this package's business: the
 * engine writes the container's resolv.conf (a host resolver on 127.0.0.x is not reachable from a container).
 *
 * <p>Host resources, all named so that they are recognisably Berth's: the bridge (its configured name), veths "bv" +
 * 12 hex digits, iptables chains BERTH-DNAT-, BERTH-POST-, BERTH-FWD- and BERTH-IN- + bridge name, with one jump
 * each from PREROUTING, OUTPUT, POSTROUTING, FORWARD and INPUT. Kernel settings: net.ipv4.ip_forward=1 and
 * route_localnet=1 on the bridge only.
 */
package dev.berth.runtime.network;
