package main

import (
	"encoding/json"
	"testing"
	"time"

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
