package main

// The compact model of what one sidecar would do for outbound HTTP, built from the xDS resources istiod
// pushed. Field names are Envoy's (in camelCase), so a reader can hold the model against Envoy's API
// reference; the simulator (dev/simulator/xds/snapshot.ts) mirrors these types.

// Snapshot is one consistent state: every route configuration the listeners name and every EDS cluster's
// endpoints have arrived (or Incomplete names what is still missing after a wait).
type Snapshot struct {
	// Versions are istiod's version_info per resource type, for diagnostics.
	Versions     map[string]string      `json:"versions"`
	Listeners    []Listener             `json:"listeners"`
	RouteConfigs map[string]RouteConfig `json:"routeConfigs"`
	Clusters     map[string]Cluster     `json:"clusters"`
	Incomplete   []string               `json:"incomplete,omitempty"`
}

// Listener is an outbound listener: where a connection to address:port is handled.
type Listener struct {
	Name               string        `json:"name"`
	Address            string        `json:"address"`
	Port               uint32        `json:"port"`
	BindToPort         bool          `json:"bindToPort"`
	UseOriginalDst     bool          `json:"useOriginalDst,omitempty"`
	FilterChains       []FilterChain `json:"filterChains"`
	DefaultFilterChain *FilterChain  `json:"defaultFilterChain,omitempty"`
}

// FilterChain is one way a listener handles a connection; Match says which connections.
type FilterChain struct {
	Name  string      `json:"name,omitempty"`
	Match *ChainMatch `json:"match,omitempty"`
	HTTP  *HTTPChain  `json:"http,omitempty"`
	TCP   *TCPChain   `json:"tcp,omitempty"`
	// Terminal names the last network filter when it is neither HTTP nor TCP proxying.
	Terminal string `json:"terminal,omitempty"`
}

// ChainMatch is Envoy's FilterChainMatch; empty fields match anything.
type ChainMatch struct {
	DestinationPort          uint32   `json:"destinationPort,omitempty"`
	PrefixRanges             []string `json:"prefixRanges,omitempty"`
	ServerNames              []string `json:"serverNames,omitempty"`
	TransportProtocol        string   `json:"transportProtocol,omitempty"`
	ApplicationProtocols     []string `json:"applicationProtocols,omitempty"`
	DirectSourcePrefixRanges []string `json:"directSourcePrefixRanges,omitempty"`
	SourceType               string   `json:"sourceType,omitempty"`
	SourcePrefixRanges       []string `json:"sourcePrefixRanges,omitempty"`
	SourcePorts              []uint32 `json:"sourcePorts,omitempty"`
}

// HTTPChain is an HTTP connection manager: its routes come by name over RDS, or inline.
type HTTPChain struct {
	RouteConfigName       string       `json:"routeConfigName,omitempty"`
	RouteConfig           *RouteConfig `json:"routeConfig,omitempty"`
	StripAnyHostPort      bool         `json:"stripAnyHostPort,omitempty"`
	StripMatchingHostPort bool         `json:"stripMatchingHostPort,omitempty"`
	// Unsupported says why the simulator cannot route through this chain (scoped routes).
	Unsupported string `json:"unsupported,omitempty"`
}

// TCPChain is a TCP proxy: all bytes go to one cluster, or one picked by weight per connection.
type TCPChain struct {
	Cluster          string            `json:"cluster,omitempty"`
	WeightedClusters []WeightedCluster `json:"weightedClusters,omitempty"`
}

// RouteConfig is a RouteConfiguration.
type RouteConfig struct {
	Name                     string        `json:"name"`
	IgnorePortInHostMatching bool          `json:"ignorePortInHostMatching,omitempty"`
	VirtualHosts             []VirtualHost `json:"virtualHosts"`
}

// VirtualHost holds the routes for the domains it serves, in the order Envoy tries them.
type VirtualHost struct {
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
	Routes  []Route  `json:"routes"`
}

// Route is one match and what to do with a request that satisfies it.
type Route struct {
	Name   string     `json:"name,omitempty"`
	Match  RouteMatch `json:"match"`
	Action Action     `json:"action"`
	Fault  *Fault     `json:"fault,omitempty"`
	// ResponseHeaders are the route's response_headers_to_add: istiod writes a single destination's
	// `headers.response` here, after the route's own `headers.response` (checked against its push).
	ResponseHeaders []HeaderToAdd `json:"responseHeaders,omitempty"`
}

// Header append actions (HeaderValueOption.append_action); the default, APPEND_IF_EXISTS_OR_ADD, is left out.
const (
	HeaderAddIfAbsent            = "addIfAbsent"
	HeaderOverwriteIfExistsOrAdd = "overwriteIfExistsOrAdd"
	HeaderOverwriteIfExists      = "overwriteIfExists"
)

// HeaderToAdd is a header Envoy adds to a response (a HeaderValueOption): Istio's `headers.response.add`
// appends (no Action), `set` is overwriteIfExistsOrAdd. The value is as istiod wrote it (Envoy would expand
// `%...%` command operators in it; istiod's values for Istio's headers carry none).
type HeaderToAdd struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Action string `json:"action,omitempty"`
}

// Fault is the fault filter's config for a route: delay first, then abort, each for Percent of requests.
type Fault struct {
	Abort *FaultAbort `json:"abort,omitempty"`
	Delay *FaultDelay `json:"delay,omitempty"`
}

// FaultAbort answers Status instead of forwarding.
type FaultAbort struct {
	Status  int     `json:"status"`
	Percent float64 `json:"percent"`
}

// FaultDelay holds the request Ms milliseconds before it goes on.
type FaultDelay struct {
	Ms      float64 `json:"ms"`
	Percent float64 `json:"percent"`
}

// PathMatch is the path specifier: prefix, path (exact), safeRegex, pathSeparatedPrefix or connect.
type PathMatch struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// RouteMatch holds when every part holds. Unsupported lists conditions the simulator cannot evaluate
// (a route carrying one never matches its synthetic requests).
type RouteMatch struct {
	Path            *PathMatch    `json:"path,omitempty"`
	CaseSensitive   bool          `json:"caseSensitive"`
	Headers         []HeaderMatch `json:"headers,omitempty"`
	QueryParameters []QueryMatch  `json:"queryParameters,omitempty"`
	Cookies         []CookieMatch `json:"cookies,omitempty"`
	Unsupported     []string      `json:"unsupported,omitempty"`
}

// StringMatch is a StringMatcher: exact, prefix, suffix, contains or safeRegex (RE2, whole value).
type StringMatch struct {
	Kind       string `json:"kind"`
	Value      string `json:"value"`
	IgnoreCase bool   `json:"ignoreCase,omitempty"`
}

// Int64Range is [Start, End).
type Int64Range struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
}

// HeaderMatch is a HeaderMatcher: exactly one of String, Present and Range is set, or Unsupported.
type HeaderMatch struct {
	Name                string       `json:"name"`
	String              *StringMatch `json:"string,omitempty"`
	Present             *bool        `json:"present,omitempty"`
	Range               *Int64Range  `json:"range,omitempty"`
	Invert              bool         `json:"invert,omitempty"`
	TreatMissingAsEmpty bool         `json:"treatMissingAsEmpty,omitempty"`
	Unsupported         string       `json:"unsupported,omitempty"`
}

// QueryMatch is a QueryParameterMatcher: String or Present.
type QueryMatch struct {
	Name        string       `json:"name"`
	String      *StringMatch `json:"string,omitempty"`
	Present     bool         `json:"present,omitempty"`
	Unsupported string       `json:"unsupported,omitempty"`
}

// CookieMatch is a CookieMatcher.
type CookieMatch struct {
	Name   string      `json:"name"`
	String StringMatch `json:"string"`
	Invert bool        `json:"invert,omitempty"`
}

// Action kinds.
const (
	ActionCluster          = "cluster"
	ActionWeightedClusters = "weightedClusters"
	ActionDirectResponse   = "directResponse"
	ActionRedirect         = "redirect"
	ActionNonForwarding    = "nonForwarding"
	ActionUnsupported      = "unsupported"
)

// Action is what a matched route does: forward to a cluster (or one of several by weight), or answer itself.
type Action struct {
	Kind             string            `json:"kind"`
	Cluster          string            `json:"cluster,omitempty"`
	WeightedClusters []WeightedCluster `json:"weightedClusters,omitempty"`
	Status           int               `json:"status,omitempty"`
	Detail           string            `json:"detail,omitempty"`
	// Mirrors are the route's request mirror policies (Istio's `mirror` / `mirrors`), in istiod's order.
	Mirrors []Mirror `json:"mirrors,omitempty"`
}

// Mirror is one request mirror policy: a shadow copy of Percent of the forwarded requests goes to Cluster,
// and its answer is dropped.
type Mirror struct {
	Cluster string  `json:"cluster"`
	Percent float64 `json:"percent"`
}

// WeightedCluster is one choice of a weighted split; weights are relative.
type WeightedCluster struct {
	Name   string `json:"name"`
	Weight uint32 `json:"weight"`
	// ResponseHeaders are added to the answers of requests sent to this choice (its response_headers_to_add):
	// istiod writes a destination's `headers.response` here when the route has several destinations.
	ResponseHeaders []HeaderToAdd `json:"responseHeaders,omitempty"`
}

// Cluster is an upstream cluster with the endpoints its load balancer chooses from.
type Cluster struct {
	Name string `json:"name"`
	// Type is the discovery type (EDS, STATIC, ORIGINAL_DST, ...).
	Type string `json:"type"`
	// HealthyPanicThreshold is in percent; nil means Envoy's default (50).
	HealthyPanicThreshold *float64   `json:"healthyPanicThreshold,omitempty"`
	Endpoints             []Endpoint `json:"endpoints"`
}

// Endpoint is one host of a cluster.
type Endpoint struct {
	Address  string `json:"address"`
	Port     uint32 `json:"port"`
	Health   string `json:"health"`
	Weight   uint32 `json:"weight"`
	Priority uint32 `json:"priority,omitempty"`
	// Workload is istiod's "name;namespace;canonical service;canonical revision;cluster" endpoint metadata.
	Workload string `json:"workload,omitempty"`
}
