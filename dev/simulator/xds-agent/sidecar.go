package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
)

const (
	// One push from istiod arrives as several responses (clusters, endpoints, listeners, routes): wait this
	// long after the last one before reporting, so the simulator sees the push as one change.
	settle = 30 * time.Millisecond
	// A snapshot missing a resource istiod never sends is still reported after this long.
	patience = 2 * time.Second
	// Reconnection backoff, as Envoy's: starts small, capped.
	firstBackoff = 250 * time.Millisecond
	maxBackoff   = 5 * time.Second
)

// sidecar is one client's ADS stream: it keeps the stream open so that istiod's pushes arrive, and
// reconnects when it breaks (istiod restarting) while the last snapshot stays in force in the simulator.
type sidecar struct {
	client string
	node   *corev3.Node
	conn   grpc.ClientConnInterface
	out    *output
	// last is the last reported snapshot without its versions, to report only changes.
	last []byte
}

func (s *sidecar) run(ctx context.Context) {
	backoff := firstBackoff
	for ctx.Err() == nil {
		started := time.Now()
		err := s.session(ctx)
		if ctx.Err() != nil {
			return
		}
		s.out.send(Event{Event: EventDisconnected, Client: s.client, Message: err.Error()})
		if time.Since(started) > time.Minute {
			backoff = firstBackoff
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// session runs one stream until it breaks.
func (s *sidecar) session(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := discoveryv3.NewAggregatedDiscoveryServiceClient(s.conn).StreamAggregatedResources(ctx)
	if err != nil {
		return err
	}
	state := newXdsState()
	first := true
	send := func(requests []*discoveryv3.DiscoveryRequest) error {
		for _, request := range requests {
			// Like Envoy, the node goes with the first request only.
			if first {
				request.Node = s.node
				first = false
			}
			if err := stream.Send(request); err != nil {
				return err
			}
		}
		return nil
	}
	if err := send(state.initial()); err != nil {
		return err
	}

	responses := make(chan *discoveryv3.DiscoveryResponse)
	broken := make(chan error, 1)
	go func() {
		for {
			response, err := stream.Recv()
			if err != nil {
				broken <- err
				return
			}
			select {
			case responses <- response:
			case <-ctx.Done():
				return
			}
		}
	}()

	connected := false
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var dirtySince time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-broken:
			if err == nil {
				err = errors.New("stream closed")
			}
			return err
		case response := <-responses:
			if !connected {
				connected = true
				s.out.send(Event{Event: EventConnected, Client: s.client})
			}
			requests, err := state.apply(response)
			if err != nil {
				s.out.send(Event{Event: EventNack, Client: s.client, Message: err.Error()})
			}
			if err := send(requests); err != nil {
				return err
			}
			if dirtySince.IsZero() {
				dirtySince = time.Now()
			}
			timer.Reset(settle)
		case <-timer.C:
			if len(state.missing()) > 0 && time.Since(dirtySince) < patience {
				timer.Reset(settle)
				continue
			}
			dirtySince = time.Time{}
			s.report(state.snapshot())
		}
	}
}

func (s *sidecar) report(snapshot *Snapshot) {
	versions := snapshot.Versions
	snapshot.Versions = nil
	content, err := json.Marshal(snapshot)
	if err != nil {
		log.Printf("%s: cannot encode a snapshot: %v", s.client, err)
		return
	}
	if bytes.Equal(content, s.last) {
		return
	}
	s.last = content
	snapshot.Versions = versions
	if len(snapshot.Incomplete) > 0 {
		log.Printf("%s: reporting without %v, which istiod did not send within %s", s.client, snapshot.Incomplete, patience)
	}
	s.out.send(Event{Event: EventSnapshot, Client: s.client, Snapshot: snapshot})
}

func (s *sidecar) String() string { return fmt.Sprintf("sidecar %s (%s)", s.client, s.node.GetId()) }
