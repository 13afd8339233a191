package main

import (
	"fmt"
	"slices"
	"sort"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

const (
	typeCluster  = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	typeEndpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
	typeListener = "type.googleapis.com/envoy.config.listener.v3.Listener"
	typeRoute    = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

// typeState is one resource type's side of the stream: what was accepted, and what is asked for.
type typeState struct {
	url string
	// wildcard types (clusters, listeners) get the full set in every response; the others get the named
	// resources, possibly only the changed ones, so their responses are merged.
	wildcard  bool
	version   string
	nonce     string
	names     []string
	requested bool
	resources map[string]proto.Message
}

// xdsState is what one sidecar holds: the resources istiod sent, as Envoy would keep them.
type xdsState struct {
	types map[string]*typeState
}

func newXdsState() *xdsState {
	state := &xdsState{types: map[string]*typeState{}}
	for _, url := range []string{typeCluster, typeEndpoint, typeListener, typeRoute} {
		state.types[url] = &typeState{url: url, wildcard: url == typeCluster || url == typeListener, resources: map[string]proto.Message{}}
	}
	return state
}

// request asks for the type's current names, carrying the last version and nonce (which makes it an ACK
// of the last response, or a NACK when errorDetail is set).
func (t *typeState) request(errorDetail error) *discoveryv3.DiscoveryRequest {
	t.requested = true
	request := &discoveryv3.DiscoveryRequest{TypeUrl: t.url, VersionInfo: t.version, ResponseNonce: t.nonce, ResourceNames: t.names}
	if errorDetail != nil {
		request.ErrorDetail = &status.Status{Code: 3, Message: errorDetail.Error()}
	}
	return request
}

// initial are the first requests of a stream, in Envoy's order: all clusters, then all listeners.
func (s *xdsState) initial() []*discoveryv3.DiscoveryRequest {
	return []*discoveryv3.DiscoveryRequest{s.types[typeCluster].request(nil), s.types[typeListener].request(nil)}
}

func newMessage(url string) (proto.Message, error) {
	switch url {
	case typeCluster:
		return &clusterv3.Cluster{}, nil
	case typeEndpoint:
		return &endpointv3.ClusterLoadAssignment{}, nil
	case typeListener:
		return &listenerv3.Listener{}, nil
	case typeRoute:
		return &routev3.RouteConfiguration{}, nil
	}
	return nil, fmt.Errorf("unexpected type %s", url)
}

func resourceName(message proto.Message) string {
	switch resource := message.(type) {
	case *clusterv3.Cluster:
		return resource.GetName()
	case *endpointv3.ClusterLoadAssignment:
		return resource.GetClusterName()
	case *listenerv3.Listener:
		return resource.GetName()
	case *routev3.RouteConfiguration:
		return resource.GetName()
	}
	return ""
}

func decode(response *discoveryv3.DiscoveryResponse) (map[string]proto.Message, error) {
	decoded := map[string]proto.Message{}
	for _, resource := range response.GetResources() {
		if resource.GetTypeUrl() != response.GetTypeUrl() {
			return nil, fmt.Errorf("resource of type %s in a %s response", resource.GetTypeUrl(), response.GetTypeUrl())
		}
		message, err := newMessage(response.GetTypeUrl())
		if err != nil {
			return nil, err
		}
		if err := resource.UnmarshalTo(message); err != nil {
			return nil, fmt.Errorf("cannot decode a %s: %w", response.GetTypeUrl(), err)
		}
		decoded[resourceName(message)] = message
	}
	return decoded, nil
}

// apply takes one response and returns the requests to send: its ACK (or NACK), and new subscriptions when
// the clusters or listeners now name other endpoints or route configurations.
func (s *xdsState) apply(response *discoveryv3.DiscoveryResponse) ([]*discoveryv3.DiscoveryRequest, error) {
	t := s.types[response.GetTypeUrl()]
	if t == nil {
		return nil, fmt.Errorf("istiod sent an unrequested type %s", response.GetTypeUrl())
	}
	// The nonce is always the latest one: istiod ignores requests with a stale nonce.
	t.nonce = response.GetNonce()
	decoded, err := decode(response)
	if err != nil {
		// NACK: keep the last good resources and version, as Envoy does.
		return []*discoveryv3.DiscoveryRequest{t.request(err)}, err
	}
	if t.wildcard {
		t.resources = decoded
	} else {
		for name, message := range decoded {
			if slices.Contains(t.names, name) {
				t.resources[name] = message
			}
		}
	}
	t.version = response.GetVersionInfo()
	requests := []*discoveryv3.DiscoveryRequest{t.request(nil)}
	switch t.url {
	case typeCluster:
		requests = append(requests, s.follow(typeEndpoint, s.edsNames())...)
	case typeListener:
		requests = append(requests, s.follow(typeRoute, s.routeNames())...)
	}
	return requests, nil
}

// follow subscribes a dependent type to names, dropping what is no longer named; nothing to send when
// the names did not change.
func (s *xdsState) follow(url string, names []string) []*discoveryv3.DiscoveryRequest {
	t := s.types[url]
	if slices.Equal(t.names, names) && (t.requested || len(names) == 0) {
		return nil
	}
	t.names = names
	for name := range t.resources {
		if !slices.Contains(names, name) {
			delete(t.resources, name)
		}
	}
	return []*discoveryv3.DiscoveryRequest{t.request(nil)}
}

func (s *xdsState) edsNames() []string {
	var names []string
	for _, message := range s.types[typeCluster].resources {
		if name := edsName(message.(*clusterv3.Cluster)); name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

func (s *xdsState) routeNames() []string {
	var names []string
	for _, message := range s.types[typeListener].resources {
		if model, ok := listenerModel(message.(*listenerv3.Listener)); ok {
			for _, chain := range allChains(model) {
				if chain.HTTP != nil && chain.HTTP.RouteConfigName != "" {
					names = append(names, chain.HTTP.RouteConfigName)
				}
			}
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

func allChains(l Listener) []FilterChain {
	if l.DefaultFilterChain == nil {
		return l.FilterChains
	}
	return append(slices.Clone(l.FilterChains), *l.DefaultFilterChain)
}
