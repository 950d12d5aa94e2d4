/**
 * {@code berth.lock}, Berth's Pipfile.lock for Dockerfiles: every base image resolved to its manifest digest per
 * platform, every ADD URL with the sha256 of its content, the Dockerfile's own hash and the build arguments it was
 * made with ({@link dev.berth.build.lock.Locker}); and the drift check that {@code berth lock --check} and {@code
 * berth build --locked} run ({@link dev.berth.build.lock.LockChecker}). The file format is described in {@link
 * dev.berth.build.lock.LockFileText}.
 */
package dev.berth.build.lock;
