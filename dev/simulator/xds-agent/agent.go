package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"reflect"
	"sync"

	"google.golang.org/grpc"
)

// agent owns one sidecar stream per subscribed client; all share one gRPC connection to istiod.
type agent struct {
	conn grpc.ClientConnInterface
	out  *output
	wg   sync.WaitGroup
	subs map[string]*subscription
}

type subscription struct {
	pod    Pod
	cancel context.CancelFunc
}

func newAgent(conn grpc.ClientConnInterface, out *output) *agent {
	return &agent{conn: conn, out: out, subs: map[string]*subscription{}}
}

// handle runs one command line. Commands come from one reader, so no locking is needed.
func (a *agent) handle(line []byte) {
	var command Command
	if err := json.Unmarshal(line, &command); err != nil {
		a.out.send(Event{Event: EventError, Message: fmt.Sprintf("not a command: %v", err)})
		return
	}
	if command.Client == "" {
		a.out.send(Event{Event: EventError, Message: "a command needs a client"})
		return
	}
	switch command.Op {
	case "subscribe":
		if command.Pod == nil {
			a.out.send(Event{Event: EventError, Client: command.Client, Message: "subscribe needs a pod"})
			return
		}
		a.subscribe(command.Client, *command.Pod)
	case "unsubscribe":
		a.unsubscribe(command.Client)
	default:
		a.out.send(Event{Event: EventError, Client: command.Client, Message: fmt.Sprintf("unknown op %q", command.Op)})
	}
}

func (a *agent) subscribe(client string, pod Pod) {
	if existing := a.subs[client]; existing != nil {
		if reflect.DeepEqual(existing.pod, pod) {
			return
		}
		a.unsubscribe(client)
	}
	node, err := sidecarNode(pod)
	if err != nil {
		a.out.send(Event{Event: EventError, Client: client, Message: err.Error()})
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.subs[client] = &subscription{pod: pod, cancel: cancel}
	s := &sidecar{client: client, node: node, conn: a.conn, out: a.out}
	log.Printf("subscribing %s", s)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		s.run(ctx)
	}()
}

func (a *agent) unsubscribe(client string) {
	if existing := a.subs[client]; existing != nil {
		existing.cancel()
		delete(a.subs, client)
		log.Printf("unsubscribed %s", client)
	}
}

func (a *agent) stop() {
	for client := range a.subs {
		a.unsubscribe(client)
	}
	a.wg.Wait()
}
