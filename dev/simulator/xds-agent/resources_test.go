package main

import (
	"slices"
	"testing"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func response(t *testing.T, url, version, nonce string, messages ...proto.Message) *discoveryv3.DiscoveryResponse {
	t.Helper()
	r := &discoveryv3.DiscoveryResponse{TypeUrl: url, VersionInfo: version, Nonce: nonce}
	for _, m := range messages {
		resource, err := anypb.New(m)
		if err != nil {
			t.Fatal(err)
		}
		r.Resources = append(r.Resources, resource)
	}
	return r
}

func edsCluster(name string) *clusterv3.Cluster {
	return &clusterv3.Cluster{Name: name, ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_EDS}, EdsClusterConfig: &clusterv3.Cluster_EdsClusterConfig{ServiceName: name}}
}

func httpListener(t *testing.T, port uint32, route string) *listenerv3.Listener {
	t.Helper()
	hcm, err := anypb.New(&hcmv3.HttpConnectionManager{RouteSpecifier: &hcmv3.HttpConnectionManager_Rds{Rds: &hcmv3.Rds{RouteConfigName: route}}})
	if err != nil {
		t.Fatal(err)
	}
	return &listenerv3.Listener{
		Name:         route,
		Address:      &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{Address: "0.0.0.0", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port}}}},
		BindToPort:   wrapperspb.Bool(false),
		FilterChains: []*listenerv3.FilterChain{{Filters: []*listenerv3.Filter{{Name: "envoy.filters.network.http_connection_manager", ConfigType: &listenerv3.Filter_TypedConfig{TypedConfig: hcm}}}}},
	}
}

func TestClustersAreAckedAndTheirEndpointsRequested(t *testing.T) {
	state := newXdsState()
	requests, err := state.apply(response(t, typeCluster, "v1", "n1", edsCluster("outbound|5000|v1|hello"), &clusterv3.Cluster{Name: "PassthroughCluster", ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_ORIGINAL_DST}}))
	if err != nil || len(requests) != 2 {
		t.Fatalf("want an ACK and an EDS request, got %v, %v", requests, err)
	}
	if ack := requests[0]; ack.GetTypeUrl() != typeCluster || ack.GetVersionInfo() != "v1" || ack.GetResponseNonce() != "n1" || ack.GetErrorDetail() != nil {
		t.Fatalf("not an ACK of v1/n1: %v", ack)
	}
	if eds := requests[1]; eds.GetTypeUrl() != typeEndpoint || !slices.Equal(eds.GetResourceNames(), []string{"outbound|5000|v1|hello"}) {
		t.Fatalf("EDS request names %v", eds.GetResourceNames())
	}
	if missing := state.missing(); !slices.Contains(missing, "outbound|5000|v1|hello") {
		t.Fatalf("endpoints should be missing until they arrive: %v", missing)
	}
	// The same clusters again: ACK only, no new subscription.
	requests, _ = state.apply(response(t, typeCluster, "v2", "n2", edsCluster("outbound|5000|v1|hello")))
	if len(requests) != 1 {
		t.Fatalf("want only the ACK, got %d requests", len(requests))
	}
}

func TestListenersSubscribeTheirRouteConfigsAndPartialResponsesMerge(t *testing.T) {
	state := newXdsState()
	requests, _ := state.apply(response(t, typeListener, "v1", "n1", httpListener(t, 5000, "5000"), httpListener(t, 8080, "8080")))
	if len(requests) != 2 || !slices.Equal(requests[1].GetResourceNames(), []string{"5000", "8080"}) {
		t.Fatalf("want an RDS request for 5000 and 8080, got %v", requests)
	}
	state.apply(response(t, typeRoute, "v1", "r1", &routev3.RouteConfiguration{Name: "5000"}, &routev3.RouteConfiguration{Name: "8080"}))
	// A later push may carry only the changed route configuration: the other one stays.
	state.apply(response(t, typeRoute, "v2", "r2", &routev3.RouteConfiguration{Name: "8080", IgnorePortInHostMatching: true}))
	if got := len(state.types[typeRoute].resources); got != 2 {
		t.Fatalf("want both route configurations kept, have %d", got)
	}
	state.apply(response(t, typeCluster, "v1", "c1"))
	if missing := state.missing(); len(missing) != 0 {
		t.Fatalf("nothing should be missing: %v", missing)
	}
	snapshot := state.snapshot()
	if !snapshot.RouteConfigs["8080"].IgnorePortInHostMatching || snapshot.Versions["rds"] != "v2" {
		t.Fatalf("snapshot does not hold the latest route configuration: %+v", snapshot)
	}
	// A listener gone: its route configuration is unsubscribed and dropped.
	requests, _ = state.apply(response(t, typeListener, "v2", "n2", httpListener(t, 5000, "5000")))
	if len(requests) != 2 || !slices.Equal(requests[1].GetResourceNames(), []string{"5000"}) || len(state.types[typeRoute].resources) != 1 {
		t.Fatalf("want RDS narrowed to 5000, got %v and %d resources", requests, len(state.types[typeRoute].resources))
	}
}

func TestAnUnreadableResponseIsNackedAndTheLastGoodStateKept(t *testing.T) {
	state := newXdsState()
	state.apply(response(t, typeCluster, "v1", "n1", edsCluster("a")))
	bad := response(t, typeCluster, "v2", "n2", edsCluster("b"))
	bad.Resources[0].Value = []byte{0xff, 0xff}
	requests, err := state.apply(bad)
	if err == nil || len(requests) != 1 {
		t.Fatalf("want a NACK, got %v, %v", requests, err)
	}
	if nack := requests[0]; nack.GetErrorDetail() == nil || nack.GetVersionInfo() != "v1" || nack.GetResponseNonce() != "n2" {
		t.Fatalf("a NACK carries the last good version and the new nonce: %v", nack)
	}
	if _, ok := state.types[typeCluster].resources["a"]; !ok {
		t.Fatal("the last good clusters must stay")
	}
}

func TestEndpointsJoinTheirCluster(t *testing.T) {
	state := newXdsState()
	state.apply(response(t, typeCluster, "v1", "n1", edsCluster("c")))
	endpoint := &endpointv3.LbEndpoint{
		HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{Address: "10.244.0.1", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 5000}}}}}},
		HealthStatus:   corev3.HealthStatus_UNHEALTHY,
	}
	state.apply(response(t, typeEndpoint, "v1", "e1", &endpointv3.ClusterLoadAssignment{ClusterName: "c", Endpoints: []*endpointv3.LocalityLbEndpoints{{LbEndpoints: []*endpointv3.LbEndpoint{endpoint}}}}))
	got := state.snapshot().Clusters["c"].Endpoints
	if len(got) != 1 || got[0].Address != "10.244.0.1" || got[0].Health != "UNHEALTHY" || got[0].Weight != 1 {
		t.Fatalf("endpoints: %+v", got)
	}
}
