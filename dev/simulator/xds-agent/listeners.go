package main

import (
	"fmt"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpproxyv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

const (
	hcmTypeURL      = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	tcpProxyTypeURL = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"
)

// listenerModel keeps the outbound side of a listener; inbound listeners (traffic to the pod itself) say
// nothing about where the pod's own calls go.
func listenerModel(l *listenerv3.Listener) (Listener, bool) {
	if l.GetTrafficDirection() == corev3.TrafficDirection_INBOUND {
		return Listener{}, false
	}
	socket := l.GetAddress().GetSocketAddress()
	if socket == nil {
		return Listener{}, false
	}
	model := Listener{
		Name:           l.GetName(),
		Address:        socket.GetAddress(),
		Port:           socket.GetPortValue(),
		BindToPort:     l.GetBindToPort() == nil || l.GetBindToPort().GetValue(),
		UseOriginalDst: l.GetUseOriginalDst().GetValue(),
		FilterChains:   []FilterChain{},
	}
	for _, chain := range l.GetFilterChains() {
		model.FilterChains = append(model.FilterChains, chainModel(chain))
	}
	if l.GetDefaultFilterChain() != nil {
		chain := chainModel(l.GetDefaultFilterChain())
		model.DefaultFilterChain = &chain
	}
	return model, true
}

func chainModel(chain *listenerv3.FilterChain) FilterChain {
	model := FilterChain{Name: chain.GetName(), Match: chainMatchModel(chain.GetFilterChainMatch())}
	filters := chain.GetFilters()
	for _, filter := range filters {
		config := filter.GetTypedConfig()
		if config == nil {
			continue
		}
		switch config.GetTypeUrl() {
		case hcmTypeURL:
			model.HTTP = httpChainModel(config)
		case tcpProxyTypeURL:
			model.TCP = tcpChainModel(config)
		}
	}
	if model.HTTP == nil && model.TCP == nil && len(filters) > 0 {
		model.Terminal = filters[len(filters)-1].GetName()
	}
	return model
}

func httpChainModel(config *anypb.Any) *HTTPChain {
	hcm := &hcmv3.HttpConnectionManager{}
	if err := config.UnmarshalTo(hcm); err != nil {
		return &HTTPChain{Unsupported: fmt.Sprintf("unreadable HttpConnectionManager: %v", err)}
	}
	model := &HTTPChain{StripAnyHostPort: hcm.GetStripAnyHostPort(), StripMatchingHostPort: hcm.GetStripMatchingHostPort()}
	switch {
	case hcm.GetRds() != nil:
		model.RouteConfigName = hcm.GetRds().GetRouteConfigName()
	case hcm.GetRouteConfig() != nil:
		inline := routeConfigModel(hcm.GetRouteConfig())
		model.RouteConfig = &inline
	default:
		model.Unsupported = "scoped routes"
	}
	return model
}

func tcpChainModel(config *anypb.Any) *TCPChain {
	proxy := &tcpproxyv3.TcpProxy{}
	if err := config.UnmarshalTo(proxy); err != nil {
		return &TCPChain{}
	}
	model := &TCPChain{Cluster: proxy.GetCluster()}
	for _, weighted := range proxy.GetWeightedClusters().GetClusters() {
		model.WeightedClusters = append(model.WeightedClusters, WeightedCluster{Name: weighted.GetName(), Weight: weighted.GetWeight()})
	}
	return model
}

func chainMatchModel(match *listenerv3.FilterChainMatch) *ChainMatch {
	if match == nil {
		return nil
	}
	return &ChainMatch{
		DestinationPort:          match.GetDestinationPort().GetValue(),
		PrefixRanges:             cidrs(match.GetPrefixRanges()),
		ServerNames:              match.GetServerNames(),
		TransportProtocol:        match.GetTransportProtocol(),
		ApplicationProtocols:     match.GetApplicationProtocols(),
		DirectSourcePrefixRanges: cidrs(match.GetDirectSourcePrefixRanges()),
		SourceType:               sourceType(match.GetSourceType()),
		SourcePrefixRanges:       cidrs(match.GetSourcePrefixRanges()),
		SourcePorts:              match.GetSourcePorts(),
	}
}

func sourceType(kind listenerv3.FilterChainMatch_ConnectionSourceType) string {
	if kind == listenerv3.FilterChainMatch_ANY {
		return ""
	}
	return kind.String()
}

// cidrs spells ranges as address/length; an unset length is 0 in Envoy (the range holds every address).
func cidrs(ranges []*corev3.CidrRange) []string {
	var out []string
	for _, r := range ranges {
		out = append(out, fmt.Sprintf("%s/%d", r.GetAddressPrefix(), r.GetPrefixLen().GetValue()))
	}
	return out
}
