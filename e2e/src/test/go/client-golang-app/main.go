// Command client-golang-app is a Go service instrumented the common way: Prometheus client_golang's
// default Go and process collectors (optionally with every runtime/metrics rule) and one counter of
// its own, served on /metrics for a scraper. It is built in GOPATH mode against Debian's
// golang-github-prometheus-client-golang-dev, offline.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	all := flag.Bool("all", false, "expose every runtime/metrics metric (collectors.MetricsAll)")
	flag.Parse()

	reg := prometheus.NewRegistry()
	if *all {
		reg.MustRegister(collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsAll)))
	} else {
		reg.MustRegister(collectors.NewGoCollector())
	}
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ticks := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "app_ticks_total",
		Help: "Ticks of the app's own clock.",
	}, []string{"kind"})
	reg.MustRegister(ticks)
	go func() {
		for range time.Tick(100 * time.Millisecond) {
			ticks.WithLabelValues("fast").Inc()
		}
	}()
	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	log.Printf("serving /metrics on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
