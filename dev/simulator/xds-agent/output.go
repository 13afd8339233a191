package main

import (
	"encoding/json"
	"io"
	"sync"
)

// output serialises events from all streams onto stdout, one whole line each.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *output) send(event Event) {
	line, err := json.Marshal(event)
	if err != nil {
		line, _ = json.Marshal(Event{Event: EventError, Client: event.Client, Message: "cannot encode event: " + err.Error()})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	// A failed write means the simulator is gone; main notices when stdin closes.
	_, _ = o.w.Write(append(line, '\n'))
}
