package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import java.util.regex.Pattern;

/** The name and label-value rules of the Kubernetes API, checked before the cluster would refuse them. */
public final class KubeNames {
    // DNS-1035 label: what a Service's name must be (Deployments accept more, but the Service shares the name).
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final int MAX_LENGTH = 63;

    private KubeNames() {
    }

    /** Checks the name shared by the Deployment, Service and autoscaler of a model. */
    public static String objectName(String name, String where) {
        if (name == null || name.length() > MAX_LENGTH || !DNS_1035.matcher(name).matches()) {
            throw new KubeException(where + " '" + name + "' cannot name a Kubernetes Service: use at most 63 lower-case"
                    + " letters, digits and '-', starting with a letter and ending with a letter or digit (give one with --name)");
        }
        return name;
    }

    /** Checks a namespace's name. */
    public static String namespace(String name) {
        if (name == null || name.length() > MAX_LENGTH || !DNS_1123_LABEL.matcher(name).matches()) {
            throw new KubeException("namespace '" + name + "' is not a Kubernetes namespace name: use at most 63 lower-case"
                    + " letters, digits and '-', starting and ending with a letter or digit");
        }
        return name;
    }

    /** Checks a value that becomes a label value (a model's name or version). */
    public static String labelValue(String value, String where) {
        if (value == null || value.length() > MAX_LENGTH || !LABEL_VALUE.matcher(value).matches()) {
            throw new KubeException(where + " '" + value + "' cannot be a Kubernetes label value: use at most 63 letters,"
                    + " digits, '-', '_' or '.', starting and ending with a letter or digit");
        }
        return value;
    }
}
