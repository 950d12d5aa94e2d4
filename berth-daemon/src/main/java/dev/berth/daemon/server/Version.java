package dev.berth.daemon.server;

/** Berth's version, from the jar's manifest (or "dev" when running from classes). */
final class Version {
    private Version() {
    }

    static String berth() {
        String v = ApiHandler.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
