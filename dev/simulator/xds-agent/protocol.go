package main

// The line protocol with the simulator: one JSON object per line, commands on stdin, events on stdout.
// Logging goes to stderr so that stdout carries nothing but events.

// Command is one line the simulator writes: subscribe a client (a pod whose sidecar the agent poses as) or
// unsubscribe it. Subscribing a client again with a different pod replaces its stream.
type Command struct {
	Op     string `json:"op"`
	Client string `json:"client"`
	Pod    *Pod   `json:"pod,omitempty"`
}

// Pod is the workload whose sidecar the agent poses as: what istio-agent would put in the node metadata.
type Pod struct {
	Name           string            `json:"name"`
	Namespace      string            `json:"namespace"`
	IP             string            `json:"ip"`
	Labels         map[string]string `json:"labels,omitempty"`
	ServiceAccount string            `json:"serviceAccount,omitempty"`
	NodeName       string            `json:"nodeName,omitempty"`
	WorkloadName   string            `json:"workloadName,omitempty"`
	Owner          string            `json:"owner,omitempty"`
}

// Event kinds, in the order a client usually sees them.
const (
	EventReady        = "ready"        // the agent runs; Message is istiod's address
	EventConnected    = "connected"    // a client's stream got its first response
	EventSnapshot     = "snapshot"     // what the client's sidecar would do now (only when it changed)
	EventNack         = "nack"         // a resource could not be read; the last good one stays
	EventDisconnected = "disconnected" // a client's stream broke; the last snapshot stays in force
	EventError        = "error"        // a command could not be understood
)

// Event is one line the agent writes.
type Event struct {
	Event    string    `json:"event"`
	Client   string    `json:"client,omitempty"`
	Message  string    `json:"message,omitempty"`
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}
