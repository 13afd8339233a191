package main

import (
	"fmt"
	"net"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// istioVersion is the proxy version the agent claims. istiod shapes some config by the proxy's version (to
// stay compatible with older sidecars); claiming istiod's own minor (1.31, dev/istiod/go.mod) gets what a
// current sidecar gets.
const istioVersion = "1.31.0"

// The sandbox's cluster, as istiod is started with it (CLUSTER_ID=Kubernetes, --domain=cluster.local).
const (
	clusterID = "Kubernetes"
	dnsDomain = "svc.cluster.local"
	meshID    = "cluster.local"
)

// sidecarNode is the Envoy node of pod's sidecar as istio-agent would present it (pkg/bootstrap's
// GetNodeMetaData from the injected ISTIO_META_* environment): istiod finds the pod by its IP and name, and
// then computes exactly the config it would push to that pod's sidecar.
func sidecarNode(pod Pod) (*corev3.Node, error) {
	if pod.Name == "" || pod.Namespace == "" {
		return nil, fmt.Errorf("a pod needs a name and a namespace")
	}
	if net.ParseIP(pod.IP) == nil {
		return nil, fmt.Errorf("pod %s/%s has no valid IP (%q)", pod.Namespace, pod.Name, pod.IP)
	}
	labels := map[string]any{}
	for key, value := range pod.Labels {
		// istio-agent drops it too: it changes with every rollout and would split the config cache.
		if key != "pod-template-hash" {
			labels[key] = value
		}
	}
	workload := pod.WorkloadName
	if workload == "" {
		workload = pod.Name
	}
	serviceAccount := pod.ServiceAccount
	if serviceAccount == "" {
		serviceAccount = "default"
	}
	fields := map[string]any{
		"NAME":              pod.Name,
		"NAMESPACE":         pod.Namespace,
		"LABELS":            labels,
		"ISTIO_VERSION":     istioVersion,
		"CLUSTER_ID":        clusterID,
		"MESH_ID":           meshID,
		"INTERCEPTION_MODE": "REDIRECT",
		"INSTANCE_IPS":      pod.IP,
		"SERVICE_ACCOUNT":   serviceAccount,
		"WORKLOAD_NAME":     workload,
		// The ports the injected sidecar's status and stats listeners would use.
		"ENVOY_STATUS_PORT":     15021,
		"ENVOY_PROMETHEUS_PORT": 15090,
	}
	if pod.NodeName != "" {
		fields["NODE_NAME"] = pod.NodeName
	}
	if pod.Owner != "" {
		fields["OWNER"] = pod.Owner
	}
	metadata, err := structpb.NewStruct(fields)
	if err != nil {
		return nil, err
	}
	return &corev3.Node{
		Id:            fmt.Sprintf("sidecar~%s~%s.%s~%s.%s", pod.IP, pod.Name, pod.Namespace, pod.Namespace, dnsDomain),
		Cluster:       fmt.Sprintf("%s.%s", canonicalName(pod.Labels, workload), pod.Namespace),
		Metadata:      metadata,
		UserAgentName: "envoy",
	}, nil
}

// canonicalName is the workload's canonical service, as Istio derives it from the labels.
func canonicalName(labels map[string]string, workload string) string {
	for _, key := range []string{"service.istio.io/canonical-name", "app.kubernetes.io/name", "app"} {
		if value := labels[key]; value != "" {
			return value
		}
	}
	return workload
}
