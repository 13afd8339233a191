//go:build tools

// Package tools pins the Istio command that build.sh builds (pilot-discovery, istiod's binary), so that
// "go mod tidy" keeps every module it needs in go.mod and go.sum. Never compiled (build tag "tools").
package tools

import (
	_ "istio.io/istio/pilot/cmd/pilot-discovery"
)
