package main

import (
	"sort"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// A snapshot is reported only when it is consistent, as Envoy activates a listener only once its route
// configuration is there and a cluster once its endpoints are.

// missing names what a consistent snapshot still lacks; empty when it is complete.
func (s *xdsState) missing() []string {
	var missing []string
	for _, url := range []string{typeCluster, typeListener} {
		if s.types[url].version == "" {
			missing = append(missing, url)
		}
	}
	for _, url := range []string{typeEndpoint, typeRoute} {
		t := s.types[url]
		for _, name := range t.names {
			if _, ok := t.resources[name]; !ok {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

// snapshot builds the compact model from what is held now.
func (s *xdsState) snapshot() *Snapshot {
	snapshot := &Snapshot{Versions: map[string]string{}, Listeners: []Listener{}, RouteConfigs: map[string]RouteConfig{}, Clusters: map[string]Cluster{}}
	for url, t := range s.types {
		snapshot.Versions[shortType(url)] = t.version
	}
	for _, message := range s.types[typeListener].resources {
		if model, ok := listenerModel(message.(*listenerv3.Listener)); ok {
			snapshot.Listeners = append(snapshot.Listeners, model)
		}
	}
	sort.Slice(snapshot.Listeners, func(i, j int) bool { return snapshot.Listeners[i].Name < snapshot.Listeners[j].Name })
	for name, message := range s.types[typeRoute].resources {
		snapshot.RouteConfigs[name] = routeConfigModel(message.(*routev3.RouteConfiguration))
	}
	for name, message := range s.types[typeCluster].resources {
		cluster := message.(*clusterv3.Cluster)
		var assignment *endpointv3.ClusterLoadAssignment
		if eds := edsName(cluster); eds != "" {
			assignment, _ = s.types[typeEndpoint].resources[eds].(*endpointv3.ClusterLoadAssignment)
		}
		snapshot.Clusters[name] = clusterModel(cluster, assignment)
	}
	snapshot.Incomplete = s.missing()
	return snapshot
}

func shortType(url string) string {
	switch url {
	case typeCluster:
		return "cds"
	case typeEndpoint:
		return "eds"
	case typeListener:
		return "lds"
	case typeRoute:
		return "rds"
	}
	return url
}
