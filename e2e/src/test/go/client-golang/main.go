// Command client-golang is a Go program instrumented with Prometheus client_golang's Go collector,
// built in GOPATH mode from Debian's golang-github-prometheus-client-golang-dev. It writes, read in
// the same instant, what its /metrics would serve and what the Go package rosetta.dev/clients/go
// would post:
//
//	client-golang -rules all -out DIR -service NAME -instance ID
//
// DIR/metrics.txt is the registry's exposition (text format 0.0.4) and DIR/native.json the native
// body (resource: NAME, ID). With -rules all every runtime/metrics rule is on
// (collectors.MetricsAll); with -rules default the collector is as client_golang makes it by
// default (MemStats-style and base metrics). With -serve ADDR it serves /metrics until killed.
package main

import (
	"bytes"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"

	rosetta "rosetta.dev/clients/go"
)

var sink [][]byte

func main() {
	rules := flag.String("rules", "all", "all: every runtime/metrics rule on; default: client_golang's default collector")
	out := flag.String("out", ".", "directory for metrics.txt and native.json")
	service := flag.String("service", "client-golang", "service.name of the native form")
	instance := flag.String("instance", "native", "service.instance.id of the native form")
	serve := flag.String("serve", "", "serve /metrics on this address instead of writing files")
	flag.Parse()

	reg := prometheus.NewRegistry()
	switch *rules {
	case "all":
		reg.MustRegister(collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsAll)))
	case "default":
		reg.MustRegister(collectors.NewGoCollector())
	default:
		log.Fatalf("-rules %q: all or default", *rules)
	}
	// some work, so that the allocation, GC and scheduler metrics have values
	for i := 0; i < 8; i++ {
		for j := 0; j < 256; j++ {
			sink = append(sink, make([]byte, 64<<(j%8)))
		}
		sink = sink[:0]
		runtime.GC()
	}

	if *serve != "" {
		http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		log.Fatal(http.ListenAndServe(*serve, nil))
	}

	reader := rosetta.NewReader(map[string]string{"service.name": *service, "service.instance.id": *instance})
	native := make([]byte, 0, 1<<20)
	// the two reads, as close together as they can be
	families, err := reg.Gather()
	native = reader.AppendJSON(native, time.Now())
	if err != nil {
		log.Fatalf("gather: %v", err)
	}
	var text bytes.Buffer
	enc := expfmt.NewEncoder(&text, expfmt.FmtText)
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			log.Fatalf("encode %s: %v", mf.GetName(), err)
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "metrics.txt"), text.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "native.json"), native, 0o644); err != nil {
		log.Fatal(err)
	}
}
