package dev.berth.tiny.container;

/** A board a tiny container can be built for: how much flash and RAM it has. */
public record DeviceProfile(String name, String description, long flashBytes, long ramBytes) {
}
