/** Kubernetes manifests, deployments and rollbacks for packaged models, through the fabric8 client. */
package dev.berth.kube;
