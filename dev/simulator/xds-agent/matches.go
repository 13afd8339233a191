package main

import (
	"fmt"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

func routeMatchModel(match *routev3.RouteMatch) RouteMatch {
	model := RouteMatch{CaseSensitive: match.GetCaseSensitive() == nil || match.GetCaseSensitive().GetValue()}
	switch path := match.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		model.Path = &PathMatch{Kind: "prefix", Value: path.Prefix}
	case *routev3.RouteMatch_Path:
		model.Path = &PathMatch{Kind: "path", Value: path.Path}
	case *routev3.RouteMatch_SafeRegex:
		model.Path = &PathMatch{Kind: "safeRegex", Value: path.SafeRegex.GetRegex()}
	case *routev3.RouteMatch_PathSeparatedPrefix:
		model.Path = &PathMatch{Kind: "pathSeparatedPrefix", Value: path.PathSeparatedPrefix}
	case *routev3.RouteMatch_ConnectMatcher_:
		model.Path = &PathMatch{Kind: "connect"}
	case nil:
	default:
		model.Unsupported = append(model.Unsupported, fmt.Sprintf("path specifier %T", path))
	}
	for _, header := range match.GetHeaders() {
		model.Headers = append(model.Headers, headerMatchModel(header))
	}
	for _, query := range match.GetQueryParameters() {
		model.QueryParameters = append(model.QueryParameters, queryMatchModel(query))
	}
	for _, cookie := range match.GetCookies() {
		model.Cookies = append(model.Cookies, CookieMatch{Name: cookie.GetName(), String: stringMatchModel(cookie.GetStringMatch()), Invert: cookie.GetInvertMatch()})
	}
	// Conditions on things a synthetic plain-text request does not have (runtime flags, gRPC, TLS,
	// metadata, filter state): a route needing one never matches.
	if match.GetRuntimeFraction() != nil {
		model.Unsupported = append(model.Unsupported, "runtime_fraction")
	}
	if match.GetGrpc() != nil {
		model.Unsupported = append(model.Unsupported, "grpc")
	}
	if match.GetTlsContext() != nil {
		model.Unsupported = append(model.Unsupported, "tls_context")
	}
	if len(match.GetDynamicMetadata()) > 0 {
		model.Unsupported = append(model.Unsupported, "dynamic_metadata")
	}
	if len(match.GetFilterState()) > 0 {
		model.Unsupported = append(model.Unsupported, "filter_state")
	}
	return model
}

func headerMatchModel(header *routev3.HeaderMatcher) HeaderMatch {
	model := HeaderMatch{Name: header.GetName(), Invert: header.GetInvertMatch(), TreatMissingAsEmpty: header.GetTreatMissingHeaderAsEmpty()}
	switch specifier := header.GetHeaderMatchSpecifier().(type) {
	case *routev3.HeaderMatcher_StringMatch:
		match := stringMatchModel(specifier.StringMatch)
		model.String = &match
	case *routev3.HeaderMatcher_ExactMatch:
		model.String = &StringMatch{Kind: "exact", Value: specifier.ExactMatch}
	case *routev3.HeaderMatcher_PrefixMatch:
		model.String = &StringMatch{Kind: "prefix", Value: specifier.PrefixMatch}
	case *routev3.HeaderMatcher_SuffixMatch:
		model.String = &StringMatch{Kind: "suffix", Value: specifier.SuffixMatch}
	case *routev3.HeaderMatcher_ContainsMatch:
		model.String = &StringMatch{Kind: "contains", Value: specifier.ContainsMatch}
	case *routev3.HeaderMatcher_SafeRegexMatch:
		model.String = &StringMatch{Kind: "safeRegex", Value: specifier.SafeRegexMatch.GetRegex()}
	case *routev3.HeaderMatcher_PresentMatch:
		present := specifier.PresentMatch
		model.Present = &present
	case *routev3.HeaderMatcher_RangeMatch:
		model.Range = &Int64Range{Start: specifier.RangeMatch.GetStart(), End: specifier.RangeMatch.GetEnd()}
	case nil:
		// Envoy: a matcher without a specifier asks for the header to be present.
		present := true
		model.Present = &present
	default:
		model.Unsupported = fmt.Sprintf("header match %T", specifier)
	}
	return model
}

func queryMatchModel(query *routev3.QueryParameterMatcher) QueryMatch {
	model := QueryMatch{Name: query.GetName()}
	switch specifier := query.GetQueryParameterMatchSpecifier().(type) {
	case *routev3.QueryParameterMatcher_StringMatch:
		match := stringMatchModel(specifier.StringMatch)
		model.String = &match
	case *routev3.QueryParameterMatcher_PresentMatch:
		model.Present = specifier.PresentMatch
	case nil:
		model.Present = true
	default:
		model.Unsupported = fmt.Sprintf("query parameter match %T", specifier)
	}
	return model
}

func stringMatchModel(match *matcherv3.StringMatcher) StringMatch {
	ignoreCase := match.GetIgnoreCase()
	switch pattern := match.GetMatchPattern().(type) {
	case *matcherv3.StringMatcher_Exact:
		return StringMatch{Kind: "exact", Value: pattern.Exact, IgnoreCase: ignoreCase}
	case *matcherv3.StringMatcher_Prefix:
		return StringMatch{Kind: "prefix", Value: pattern.Prefix, IgnoreCase: ignoreCase}
	case *matcherv3.StringMatcher_Suffix:
		return StringMatch{Kind: "suffix", Value: pattern.Suffix, IgnoreCase: ignoreCase}
	case *matcherv3.StringMatcher_Contains:
		return StringMatch{Kind: "contains", Value: pattern.Contains, IgnoreCase: ignoreCase}
	case *matcherv3.StringMatcher_SafeRegex:
		// Envoy ignores ignore_case for regular expressions (RE2's (?i) is how to ask for it).
		return StringMatch{Kind: "safeRegex", Value: pattern.SafeRegex.GetRegex()}
	default:
		return StringMatch{Kind: "unsupported", Value: fmt.Sprintf("%T", pattern)}
	}
}
