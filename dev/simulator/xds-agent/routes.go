package main

import (
	"fmt"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// routeConfigModel keeps virtual hosts and routes in Envoy's order: the order is the semantics (first
// matching route wins).
func routeConfigModel(config *routev3.RouteConfiguration) RouteConfig {
	model := RouteConfig{Name: config.GetName(), IgnorePortInHostMatching: config.GetIgnorePortInHostMatching(), VirtualHosts: []VirtualHost{}}
	for _, host := range config.GetVirtualHosts() {
		vh := VirtualHost{Name: host.GetName(), Domains: host.GetDomains(), Routes: []Route{}}
		for _, route := range host.GetRoutes() {
			vh.Routes = append(vh.Routes, routeModel(route))
		}
		model.VirtualHosts = append(model.VirtualHosts, vh)
	}
	return model
}

func routeModel(route *routev3.Route) Route {
	return Route{
		Name:            route.GetName(),
		Match:           routeMatchModel(route.GetMatch()),
		Action:          actionModel(route),
		Fault:           faultModel(route.GetTypedPerFilterConfig()),
		ResponseHeaders: headersToAddModel(route.GetResponseHeadersToAdd()),
	}
}

// redirectStatus maps RedirectAction's response_code enum to the status Envoy sends.
var redirectStatus = map[routev3.RedirectAction_RedirectResponseCode]int{
	routev3.RedirectAction_MOVED_PERMANENTLY:  301,
	routev3.RedirectAction_FOUND:              302,
	routev3.RedirectAction_SEE_OTHER:          303,
	routev3.RedirectAction_TEMPORARY_REDIRECT: 307,
	routev3.RedirectAction_PERMANENT_REDIRECT: 308,
}

func actionModel(route *routev3.Route) Action {
	switch action := route.GetAction().(type) {
	case *routev3.Route_Route:
		return forwardModel(action.Route)
	case *routev3.Route_Redirect:
		return Action{Kind: ActionRedirect, Status: redirectStatus[action.Redirect.GetResponseCode()]}
	case *routev3.Route_DirectResponse:
		return Action{Kind: ActionDirectResponse, Status: int(action.DirectResponse.GetStatus())}
	case *routev3.Route_NonForwardingAction:
		return Action{Kind: ActionNonForwarding}
	default:
		return Action{Kind: ActionUnsupported, Detail: fmt.Sprintf("route action %T", action)}
	}
}

func forwardModel(action *routev3.RouteAction) Action {
	model := clusterSpecifierModel(action)
	model.Mirrors = mirrorsModel(action.GetRequestMirrorPolicies())
	return model
}

func clusterSpecifierModel(action *routev3.RouteAction) Action {
	switch specifier := action.GetClusterSpecifier().(type) {
	case *routev3.RouteAction_Cluster:
		return Action{Kind: ActionCluster, Cluster: specifier.Cluster}
	case *routev3.RouteAction_WeightedClusters:
		model := Action{Kind: ActionWeightedClusters, WeightedClusters: []WeightedCluster{}}
		for _, weighted := range specifier.WeightedClusters.GetClusters() {
			// An entry without a weight weighs nothing (Envoy requires the field; istiod always sets it).
			model.WeightedClusters = append(model.WeightedClusters, WeightedCluster{
				Name:            weighted.GetName(),
				Weight:          weighted.GetWeight().GetValue(),
				ResponseHeaders: headersToAddModel(weighted.GetResponseHeadersToAdd()),
			})
		}
		return model
	default:
		// cluster_header and cluster specifier plugins pick the cluster from data the model does not carry.
		return Action{Kind: ActionUnsupported, Detail: fmt.Sprintf("cluster specifier %T", specifier)}
	}
}

// mirrorsModel reads a route's request mirror policies. Without runtime_fraction Envoy mirrors every request;
// with one, its default_value's share (istiod writes no runtime key, so the default is what holds). A policy
// naming its cluster by header is left out: istiod never writes one, and no synthetic request carries it.
func mirrorsModel(policies []*routev3.RouteAction_RequestMirrorPolicy) []Mirror {
	var mirrors []Mirror
	for _, policy := range policies {
		if policy.GetCluster() == "" {
			continue
		}
		share := 100.0
		if fraction := policy.GetRuntimeFraction(); fraction != nil {
			share = percent(fraction.GetDefaultValue())
		}
		mirrors = append(mirrors, Mirror{Cluster: policy.GetCluster(), Percent: share})
	}
	return mirrors
}

var headerActions = map[corev3.HeaderValueOption_HeaderAppendAction]string{
	corev3.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD:    "",
	corev3.HeaderValueOption_ADD_IF_ABSENT:              HeaderAddIfAbsent,
	corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD: HeaderOverwriteIfExistsOrAdd,
	corev3.HeaderValueOption_OVERWRITE_IF_EXISTS:        HeaderOverwriteIfExists,
}

// headersToAddModel reads response_headers_to_add as Envoy applies it: the deprecated `append` (when set)
// instead of append_action, false meaning overwrite; an empty value is dropped unless keep_empty_value (Envoy
// adds no empty custom header otherwise). A header sent as raw bytes is read as its text.
func headersToAddModel(options []*corev3.HeaderValueOption) []HeaderToAdd {
	var headers []HeaderToAdd
	for _, option := range options {
		header := option.GetHeader()
		value := header.GetValue()
		if value == "" {
			value = string(header.GetRawValue())
		}
		if header.GetKey() == "" || (value == "" && !option.GetKeepEmptyValue()) {
			continue
		}
		action := headerActions[option.GetAppendAction()]
		if legacy := option.GetAppend(); legacy != nil {
			action = ""
			if !legacy.GetValue() {
				action = HeaderOverwriteIfExistsOrAdd
			}
		}
		headers = append(headers, HeaderToAdd{Name: header.GetKey(), Value: value, Action: action})
	}
	return headers
}
