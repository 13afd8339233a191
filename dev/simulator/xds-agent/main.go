// Command xds-agent poses as the Envoy sidecar of real pods towards istiod (ADS over plaintext gRPC) and
// prints, for each, what that sidecar would do for outbound HTTP. It is the traffic simulator's window on
// istiod: the simulator routes by what istiod computes, never by reading routing objects itself.
//
//	xds-agent --istiod 127.0.0.1:15010
//
// stdin: {"op":"subscribe","client":"demo/sleep","pod":{...}} / {"op":"unsubscribe","client":"demo/sleep"}
// stdout: {"event":"snapshot","client":"demo/sleep","snapshot":{...}} and the other events of protocol.go.
// It exits when stdin closes.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	istiod := flag.String("istiod", "", "istiod's plaintext xDS address (host:port)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("[xds-agent] ")
	if *istiod == "" {
		fmt.Fprintln(os.Stderr, "xds-agent: --istiod host:port is required")
		os.Exit(2)
	}
	conn, err := grpc.NewClient(*istiod,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// A full push to a sidecar of a big mesh is megabytes; gRPC's default cap is 4 MB.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20)),
	)
	if err != nil {
		log.Fatalf("cannot dial istiod at %s: %v", *istiod, err)
	}
	defer conn.Close()

	out := &output{w: os.Stdout}
	agent := newAgent(conn, out)
	out.send(Event{Event: EventReady, Message: *istiod})
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	for lines.Scan() {
		agent.handle(lines.Bytes())
	}
	// stdin closed: the simulator is gone, so is the reason to run.
	agent.stop()
}
