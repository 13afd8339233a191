package main

import (
	"encoding/json"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	commonfaultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/common/fault/v3"
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func jsonOf(t *testing.T, value any) string {
	t.Helper()
	out, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestRoutesKeepMatchersAndWeightsAsIstiodSentThem(t *testing.T) {
	regex := &routev3.HeaderMatcher{Name: "end-user", HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_SafeRegex{SafeRegex: &matcherv3.RegexMatcher{Regex: "^ja.*"}}}}}
	without := &routev3.HeaderMatcher{Name: "x-canary", InvertMatch: true, HeaderMatchSpecifier: &routev3.HeaderMatcher_StringMatch{StringMatch: &matcherv3.StringMatcher{MatchPattern: &matcherv3.StringMatcher_Exact{Exact: "true"}, IgnoreCase: true}}}
	bare := &routev3.HeaderMatcher{Name: "x-present"}
	route := &routev3.Route{
		Match: &routev3.RouteMatch{PathSpecifier: &routev3.RouteMatch_Prefix{Prefix: "/"}, CaseSensitive: wrapperspb.Bool(false), Headers: []*routev3.HeaderMatcher{regex, without, bare}},
		Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_WeightedClusters{WeightedClusters: &routev3.WeightedCluster{Clusters: []*routev3.WeightedCluster_ClusterWeight{
			{Name: "outbound|5000|v1|hello", Weight: wrapperspb.UInt32(0)},
			{Name: "outbound|5000|v2|hello", Weight: wrapperspb.UInt32(100)},
		}}}}},
	}
	want := `{"match":{"path":{"kind":"prefix","value":"/"},"caseSensitive":false,"headers":[` +
		`{"name":"end-user","string":{"kind":"safeRegex","value":"^ja.*"}},` +
		`{"name":"x-canary","string":{"kind":"exact","value":"true","ignoreCase":true},"invert":true},` +
		`{"name":"x-present","present":true}]},` +
		`"action":{"kind":"weightedClusters","weightedClusters":[{"name":"outbound|5000|v1|hello","weight":0},{"name":"outbound|5000|v2|hello","weight":100}]}}`
	if got := jsonOf(t, routeModel(route)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestFaultInjectionIsReadFromTheRoute(t *testing.T) {
	fault, err := anypb.New(&faultv3.HTTPFault{
		Abort: &faultv3.FaultAbort{ErrorType: &faultv3.FaultAbort_HttpStatus{HttpStatus: 503}, Percentage: &typev3.FractionalPercent{Numerator: 250_000, Denominator: typev3.FractionalPercent_MILLION}},
		Delay: &commonfaultv3.FaultDelay{FaultDelaySecifier: &commonfaultv3.FaultDelay_FixedDelay{FixedDelay: durationpb.New(1500 * time.Millisecond)}, Percentage: &typev3.FractionalPercent{Numerator: 10}},
	})
	if err != nil {
		t.Fatal(err)
	}
	route := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, TypedPerFilterConfig: map[string]*anypb.Any{faultFilter: fault}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: "c"}}}})
	if got, want := jsonOf(t, route.Fault), `{"abort":{"status":503,"percent":25},"delay":{"ms":1500,"percent":10}}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestAnswersAndUnsupportedConditionsAreSpelledOut(t *testing.T) {
	redirect := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, Action: &routev3.Route_Redirect{Redirect: &routev3.RedirectAction{ResponseCode: routev3.RedirectAction_PERMANENT_REDIRECT}}})
	direct := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, Action: &routev3.Route_DirectResponse{DirectResponse: &routev3.DirectResponseAction{Status: 418}}})
	header := routeModel(&routev3.Route{Match: &routev3.RouteMatch{Grpc: &routev3.RouteMatch_GrpcRouteMatchOptions{}}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_ClusterHeader{ClusterHeader: "x-cluster"}}}})
	if redirect.Action.Status != 308 || direct.Action.Status != 418 {
		t.Fatalf("statuses: redirect %d, direct %d", redirect.Action.Status, direct.Action.Status)
	}
	if header.Action.Kind != ActionUnsupported || len(header.Match.Unsupported) != 1 || header.Match.Unsupported[0] != "grpc" {
		t.Fatalf("unsupported parts must be named: %+v", header)
	}
}

// The policies as istiod writes them (checked against its push in the sandbox): `mirrorPercentage: 50` is
// 500000 per MILLION, `mirrors[].percentage: 12.5` 125000 per MILLION, no percentage 100 per HUNDRED; always
// with trace_sampled false and no -shadow suffix on the host.
func TestMirrorPoliciesKeepTheirClusterAndShare(t *testing.T) {
	share := func(numerator uint32, denominator typev3.FractionalPercent_DenominatorType) *corev3.RuntimeFractionalPercent {
		return &corev3.RuntimeFractionalPercent{DefaultValue: &typev3.FractionalPercent{Numerator: numerator, Denominator: denominator}}
	}
	istiod := func(cluster string, fraction *corev3.RuntimeFractionalPercent) *routev3.RouteAction_RequestMirrorPolicy {
		return &routev3.RouteAction_RequestMirrorPolicy{Cluster: cluster, RuntimeFraction: fraction, TraceSampled: wrapperspb.Bool(false), DisableShadowHostSuffixAppend: true}
	}
	route := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{
		ClusterSpecifier: &routev3.RouteAction_WeightedClusters{WeightedClusters: &routev3.WeightedCluster{Clusters: []*routev3.WeightedCluster_ClusterWeight{{Name: "outbound|5000|v1|hello", Weight: wrapperspb.UInt32(100)}}}},
		RequestMirrorPolicies: []*routev3.RouteAction_RequestMirrorPolicy{
			istiod("outbound|5000|v2|hello", share(500_000, typev3.FractionalPercent_MILLION)),
			istiod("outbound|5000|v3|hello", share(100, typev3.FractionalPercent_HUNDRED)),
			istiod("outbound|5000|v4|hello", share(125_000, typev3.FractionalPercent_MILLION)),
			istiod("outbound|5000|v5|hello", share(125, typev3.FractionalPercent_TEN_THOUSAND)),
			// No runtime_fraction (istiod always writes one): Envoy mirrors every request.
			{Cluster: "outbound|5000|v6|hello"},
			// By header: not a cluster the model can name.
			{ClusterHeader: "x-mirror-to"},
		},
	}}})
	want := `{"kind":"weightedClusters","weightedClusters":[{"name":"outbound|5000|v1|hello","weight":100}],"mirrors":[` +
		`{"cluster":"outbound|5000|v2|hello","percent":50},{"cluster":"outbound|5000|v3|hello","percent":100},` +
		`{"cluster":"outbound|5000|v4|hello","percent":12.5},{"cluster":"outbound|5000|v5|hello","percent":1.25},` +
		`{"cluster":"outbound|5000|v6|hello","percent":100}]}`
	if got := jsonOf(t, route.Action); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	plain := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: "c"}}}})
	if got, want := jsonOf(t, plain.Action), `{"kind":"cluster","cluster":"c"}`; got != want {
		t.Fatalf("a route without mirror policies must carry none: got %s", got)
	}
}

// Response headers as istiod wrote them for Istio's `headers.response` (checked against its push in the
// sandbox): with several destinations, a destination's on its weighted cluster and the route's own on the
// route; with one destination, the route's and then the destination's, all on the route. `add` appends (no
// append_action), `set` is OVERWRITE_IF_EXISTS_OR_ADD. No virtual host or route configuration carries any.
func TestResponseHeadersAreReadWhereIstiodPutsThem(t *testing.T) {
	add := func(key, value string) *corev3.HeaderValueOption {
		return &corev3.HeaderValueOption{Header: &corev3.HeaderValue{Key: key, Value: value}}
	}
	set := func(key, value string) *corev3.HeaderValueOption {
		return &corev3.HeaderValueOption{Header: &corev3.HeaderValue{Key: key, Value: value}, AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD}
	}
	sticky := &routev3.Route{
		Match:                &routev3.RouteMatch{},
		ResponseHeadersToAdd: []*corev3.HeaderValueOption{set("x-rs", "s"), add("x-route", "r2")},
		Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_WeightedClusters{WeightedClusters: &routev3.WeightedCluster{Clusters: []*routev3.WeightedCluster_ClusterWeight{
			{Name: "outbound|9898|v1|podinfo", Weight: wrapperspb.UInt32(50)},
			{Name: "outbound|9898|v2|podinfo", Weight: wrapperspb.UInt32(50), ResponseHeadersToAdd: []*corev3.HeaderValueOption{add("Set-Cookie", "podinfo-release=v2; Max-Age=600; Path=/")}},
		}}}}},
	}
	want := `{"kind":"weightedClusters","weightedClusters":[{"name":"outbound|9898|v1|podinfo","weight":50},` +
		`{"name":"outbound|9898|v2|podinfo","weight":50,"responseHeaders":[{"name":"Set-Cookie","value":"podinfo-release=v2; Max-Age=600; Path=/"}]}]}`
	model := routeModel(sticky)
	if got := jsonOf(t, model.Action); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got, want := jsonOf(t, model.ResponseHeaders), `[{"name":"x-rs","value":"s","action":"overwriteIfExistsOrAdd"},{"name":"x-route","value":"r2"}]`; got != want {
		t.Fatalf("route headers: got %s, want %s", got, want)
	}

	single := routeModel(&routev3.Route{
		Match:                &routev3.RouteMatch{},
		ResponseHeadersToAdd: []*corev3.HeaderValueOption{add("x-route", "r"), set("x-set", "b"), add("x-one", "a")},
		Action:               &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: "outbound|9898||single"}}},
	})
	if got, want := jsonOf(t, single), `{"match":{"caseSensitive":true},"action":{"kind":"cluster","cluster":"outbound|9898||single"},"responseHeaders":[`+
		`{"name":"x-route","value":"r"},{"name":"x-set","value":"b","action":"overwriteIfExistsOrAdd"},{"name":"x-one","value":"a"}]}`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	// Envoy's other spellings: the deprecated `append`, the other actions, raw bytes, an empty value (dropped
	// unless keep_empty_value), a header without a name.
	others := headersToAddModel([]*corev3.HeaderValueOption{
		{Header: &corev3.HeaderValue{Key: "a", Value: "1"}, Append: wrapperspb.Bool(false)},
		{Header: &corev3.HeaderValue{Key: "b", Value: "2"}, Append: wrapperspb.Bool(true)},
		{Header: &corev3.HeaderValue{Key: "c", Value: "3"}, AppendAction: corev3.HeaderValueOption_ADD_IF_ABSENT},
		{Header: &corev3.HeaderValue{Key: "d", Value: "4"}, AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS},
		{Header: &corev3.HeaderValue{Key: "e", RawValue: []byte("5")}},
		{Header: &corev3.HeaderValue{Key: "f"}},
		{Header: &corev3.HeaderValue{Key: "g"}, KeepEmptyValue: true},
		{Header: &corev3.HeaderValue{Value: "nameless"}},
	})
	if got, want := jsonOf(t, others), `[{"name":"a","value":"1","action":"overwriteIfExistsOrAdd"},{"name":"b","value":"2"},`+
		`{"name":"c","value":"3","action":"addIfAbsent"},{"name":"d","value":"4","action":"overwriteIfExists"},{"name":"e","value":"5"},{"name":"g","value":""}]`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	plain := routeModel(&routev3.Route{Match: &routev3.RouteMatch{}, Action: &routev3.Route_Route{Route: &routev3.RouteAction{ClusterSpecifier: &routev3.RouteAction_Cluster{Cluster: "c"}}}})
	if plain.ResponseHeaders != nil {
		t.Fatalf("a route without response headers must carry none: %+v", plain.ResponseHeaders)
	}
}
