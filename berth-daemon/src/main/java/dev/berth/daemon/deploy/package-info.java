/**
 * Local deployments: a model image run as several replica containers behind one stable host port, balanced per
 * request by a reverse proxy in the daemon, updated and rolled back one replica at a time so that no request is lost.
 * {@link dev.berth.daemon.deploy.Deployments} is the entry point; the API routes are in
 * {@link dev.berth.daemon.deploy.DeploymentRoutes}.
 */
package dev.berth.daemon.deploy;
