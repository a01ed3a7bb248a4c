// Command runtime-sender reads this process's own runtime/metrics and posts them to Rosetta's
// /v1/go/runtime-metrics endpoint as JSON, every interval. Standard library only (Go 1.19+).
//
//	go run . -url http://127.0.0.1:4318/v1/go/runtime-metrics -service checkout -interval 1s
//
// With -list it prints the names of every metric this Go version offers, one a line; with -dump it
// prints one snapshot (the body it would post) and exits.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"runtime/metrics"
	"time"
)

// number renders a float for JSON: NaN and infinities as the strings Rosetta accepts.
func number(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return f
}

func snapshot(service, instance string) map[string]any {
	descs := metrics.All()
	samples := make([]metrics.Sample, len(descs))
	for i, d := range descs {
		samples[i].Name = d.Name
	}
	metrics.Read(samples)
	out := make([]map[string]any, 0, len(samples))
	for i, s := range samples {
		m := map[string]any{"name": s.Name, "cumulative": descs[i].Cumulative}
		switch s.Value.Kind() {
		case metrics.KindUint64:
			m["kind"], m["value"] = "uint64", s.Value.Uint64()
		case metrics.KindFloat64:
			m["kind"], m["value"] = "float64", number(s.Value.Float64())
		case metrics.KindFloat64Histogram:
			h := s.Value.Float64Histogram()
			buckets := make([]any, len(h.Buckets))
			for j, b := range h.Buckets {
				buckets[j] = number(b)
			}
			m["kind"], m["counts"], m["buckets"] = "float64histogram", h.Counts, buckets
		default:
			m["kind"] = "bad"
		}
		out = append(out, m)
	}
	return map[string]any{
		"resource":       map[string]string{"service.name": service, "service.instance.id": instance},
		"time_unix_nano": time.Now().UnixNano(),
		"samples":        out,
	}
}

func main() {
	url := flag.String("url", "http://127.0.0.1:4318/v1/go/runtime-metrics", "Rosetta's Go runtime endpoint")
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
		body, err := json.Marshal(snapshot(*service, *instance))
		if err != nil {
			log.Fatalf("encoding the snapshot: %v", err)
		}
		os.Stdout.Write(append(body, '\n'))
		return
	}
	client := &http.Client{Timeout: 10 * time.Second}
	garbage := make([][]byte, 0, 64)
	for n := 0; *count == 0 || n < *count; n++ {
		// allocate a little, so the GC and allocation metrics move
		garbage = append(garbage, make([]byte, 64<<10))
		if len(garbage) == cap(garbage) {
			garbage = garbage[:0]
		}
		body, err := json.Marshal(snapshot(*service, *instance))
		if err != nil {
			log.Fatalf("encoding the snapshot: %v", err)
		}
		resp, err := client.Post(*url, "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("post: %v", err)
		} else {
			if resp.StatusCode != http.StatusOK {
				log.Printf("post: HTTP %d", resp.StatusCode)
			}
			resp.Body.Close()
		}
		time.Sleep(*interval)
	}
}
