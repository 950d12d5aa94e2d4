package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes objects of one model deployment: a Deployment, its Service, and an autoscaler when asked for.
 *
 * @param deployment the model's pods and how they are replaced
 * @param service the stable address in front of them
 * @param autoscaler the HorizontalPodAutoscaler, or null for a fixed number of replicas
 */
public record ManifestSet(Deployment deployment, Service service, HorizontalPodAutoscaler autoscaler) {
    public ManifestSet {
        if (deployment == null || service == null) {
            throw new KubeException("a model's manifests need a Deployment and a Service");
        }
    }

    /** The name the objects share. */
    public String name() {
        return deployment.getMetadata().getName();
    }

    /** The objects in their fixed order: Deployment, Service, then the autoscaler if any. */
    public List<HasMetadata> objects() {
        List<HasMetadata> all = new ArrayList<>(List.of(deployment, service));
        if (autoscaler != null) {
            all.add(autoscaler);
        }
        return all;
    }

    /** One YAML stream, a {@code ---} document per object, in {@link #objects()} order. */
    public String yaml() {
        StringBuilder out = new StringBuilder();
        for (HasMetadata object : objects()) {
            out.append(yaml(object));
        }
        return out.toString();
    }

    /** One object as a YAML document (starting with {@code ---}). */
    public static String yaml(HasMetadata object) {
        return Serialization.asYaml(object);
    }

    /** Reads back what {@link #yaml()} wrote (the history of releases keeps them so). */
    public static ManifestSet parse(String yaml) {
        Object parsed;
        try {
            parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw new KubeException("stored manifests are not Kubernetes YAML: " + e.getMessage(), e);
        }
        List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
        List<Deployment> deployments = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<HorizontalPodAutoscaler> autoscalers = new ArrayList<>();
        for (Object o : objects) {
            switch (o) {
                case Deployment d -> deployments.add(d);
                case Service s -> services.add(s);
                case HorizontalPodAutoscaler h -> autoscalers.add(h);
                default -> throw new KubeException("stored manifests hold an unexpected "
                        + (o instanceof HasMetadata h ? h.getKind() + " " + h.getMetadata().getName() : String.valueOf(o)));
            }
        }
        if (deployments.size() != 1 || services.size() != 1 || autoscalers.size() > 1) {
            throw new KubeException("stored manifests hold " + deployments.size() + " Deployments, " + services.size()
                    + " Services and " + autoscalers.size() + " autoscalers, not one Deployment, one Service and at most one autoscaler");
        }
        Deployment deployment = deployments.getFirst();
        Service service = services.getFirst();
        HorizontalPodAutoscaler autoscaler = autoscalers.isEmpty() ? null : autoscalers.getFirst();
        return new ManifestSet(deployment, service, autoscaler);
    }
}
