package main

import (
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
)

// edsName is the name a cluster's endpoints are requested (and delivered) under, or "" when the cluster
// does not get them over EDS.
func edsName(c *clusterv3.Cluster) string {
	if c.GetType() != clusterv3.Cluster_EDS {
		return ""
	}
	if name := c.GetEdsClusterConfig().GetServiceName(); name != "" {
		return name
	}
	return c.GetName()
}

func clusterType(c *clusterv3.Cluster) string {
	if custom := c.GetClusterType(); custom != nil {
		return "custom:" + custom.GetName()
	}
	return c.GetType().String()
}

// clusterModel joins a cluster with its endpoints: from EDS (assignment) or, for static clusters, inline.
func clusterModel(c *clusterv3.Cluster, assignment *endpointv3.ClusterLoadAssignment) Cluster {
	model := Cluster{Name: c.GetName(), Type: clusterType(c), Endpoints: []Endpoint{}}
	if threshold := c.GetCommonLbConfig().GetHealthyPanicThreshold(); threshold != nil {
		value := threshold.GetValue()
		model.HealthyPanicThreshold = &value
	}
	if assignment == nil && c.GetType() != clusterv3.Cluster_EDS {
		assignment = c.GetLoadAssignment()
	}
	for _, locality := range assignment.GetEndpoints() {
		for _, lb := range locality.GetLbEndpoints() {
			socket := lb.GetEndpoint().GetAddress().GetSocketAddress()
			if socket == nil {
				// Named or internal (HBONE) endpoints have no address a sidecar dials.
				continue
			}
			weight := uint32(1)
			if lb.GetLoadBalancingWeight() != nil {
				weight = lb.GetLoadBalancingWeight().GetValue()
			}
			model.Endpoints = append(model.Endpoints, Endpoint{
				Address:  socket.GetAddress(),
				Port:     socket.GetPortValue(),
				Health:   lb.GetHealthStatus().String(),
				Weight:   weight,
				Priority: locality.GetPriority(),
				Workload: istioWorkload(lb.GetMetadata()),
			})
		}
	}
	return model
}

// istioWorkload reads the workload istiod attaches to each endpoint for telemetry.
func istioWorkload(metadata *corev3.Metadata) string {
	istio := metadata.GetFilterMetadata()["istio"]
	if istio == nil {
		return ""
	}
	return istio.GetFields()["workload"].GetStringValue()
}
