/**
 * The engine API's data: the JSON bodies the daemon serves on its Unix socket and the CLI sends and reads. Names and
 * fields follow Docker's Engine API where the concept is the same (a Docker-compatible socket will sit on the same
 * engine later), so {@code berth inspect} shows {@code State.Status}, {@code State.OOMKilled},
 * {@code NetworkSettings.Ports} as {@code docker inspect} does.
 */
package dev.berth.daemon.api;
