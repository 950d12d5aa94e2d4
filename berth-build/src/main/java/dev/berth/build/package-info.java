/** Dockerfile builds: parsing, build planning, a content-keyed step cache, reproducible layers and lock files. */
package dev.berth.build;
