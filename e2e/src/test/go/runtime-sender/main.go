// Command runtime-sender posts this process's own runtime/metrics to Rosetta with the Go package
// rosetta.dev/clients/go, every interval, allocating a little so that the GC and allocation
// metrics move. Standard library and that package only (Go 1.19+).
//
//	go run . -endpoint http://127.0.0.1:4318 -service checkout -interval 1s
//
// With -list it prints the names of every metric this Go version offers, one a line; with -dump it
// prints one snapshot (the body it would post) and exits.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/metrics"
	"time"

	rosetta "rosetta.dev/clients/go"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4318", "Rosetta's OTLP/HTTP base URL")
	service := flag.String("service", "go-app", "service.name")
	instance := flag.String("instance", "", "service.instance.id (default: host name and pid)")
	interval := flag.Duration("interval", time.Second, "time between posts")
	count := flag.Int("count", 0, "posts to make before exiting (0: until killed)")
	list := flag.Bool("list", false, "print the name of every metric runtime/metrics offers, one a line, and exit")
	dump := flag.Bool("dump", false, "print one snapshot as the JSON body it would post, and exit")
	flag.Parse()
	if *list {
		for _, d := range metrics.All() {
			fmt.Println(d.Name)
		}
		return
	}
	if *instance == "" {
		host, _ := os.Hostname()
		*instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if *dump {
		r := rosetta.NewReader(map[string]string{"service.name": *service, "service.instance.id": *instance})
		os.Stdout.Write(append(r.AppendJSON(nil, time.Now()), '\n'))
		return
	}
	sender := rosetta.Start(rosetta.Options{Endpoint: *endpoint, ServiceName: *service, InstanceID: *instance,
		Interval: *interval, Logf: func(format string, args ...any) { log.Printf("post: "+format, args...) }})
	defer sender.Stop()
	garbage := make([][]byte, 0, 64)
	for *count == 0 || sender.Stats().Posts < uint64(*count) {
		garbage = append(garbage, make([]byte, 64<<10))
		if len(garbage) == cap(garbage) {
			garbage = garbage[:0]
		}
		time.Sleep(*interval / 4)
	}
}
