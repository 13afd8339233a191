package main

import (
	faultv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

// Istio's VirtualService `fault` becomes the fault filter's per-route config.
const faultFilter = "envoy.filters.http.fault"

// faultModel reads a route's fault injection: the abort status and the fixed delay, each with the share
// of requests it hits. Header-controlled faults are left out (no synthetic request asks for one).
func faultModel(perFilter map[string]*anypb.Any) *Fault {
	config := perFilter[faultFilter]
	if config == nil {
		return nil
	}
	fault := &faultv3.HTTPFault{}
	if err := config.UnmarshalTo(fault); err != nil {
		return nil
	}
	model := &Fault{}
	if abort := fault.GetAbort(); abort.GetHttpStatus() != 0 {
		model.Abort = &FaultAbort{Status: int(abort.GetHttpStatus()), Percent: percent(abort.GetPercentage())}
	}
	if delay := fault.GetDelay(); delay.GetFixedDelay() != nil {
		model.Delay = &FaultDelay{Ms: float64(delay.GetFixedDelay().AsDuration().Microseconds()) / 1000, Percent: percent(delay.GetPercentage())}
	}
	if model.Abort == nil && model.Delay == nil {
		return nil
	}
	return model
}

// percent turns a FractionalPercent into percent; an unset one is 0, as in Envoy.
func percent(fraction *typev3.FractionalPercent) float64 {
	denominator := map[typev3.FractionalPercent_DenominatorType]float64{
		typev3.FractionalPercent_HUNDRED:      100,
		typev3.FractionalPercent_TEN_THOUSAND: 10_000,
		typev3.FractionalPercent_MILLION:      1_000_000,
	}[fraction.GetDenominator()]
	return 100 * float64(fraction.GetNumerator()) / denominator
}
