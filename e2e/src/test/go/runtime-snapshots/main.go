// Command runtime-snapshots prints snapshots of its own runtime/metrics, one JSON body of Rosetta's
// native Go form (POST /v1/go/runtime-metrics) per line on standard output, every -interval, -count
// times (0: until killed). It collects once before the first snapshot and allocates a little between
// snapshots, so that the GC, allocation and free metrics move. Standard library only, and only its smallest packages (no net/http, no
// encoding/json), so that it builds in seconds with any Go toolchain; the end-to-end tests read its
// lines and post them.
package main

import (
	"bufio"
	"flag"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"time"
)

func main() {
	service := flag.String("service", "go-app", "service.name")
	instance := flag.String("instance", "go-app-1", "service.instance.id")
	interval := flag.Duration("interval", time.Second, "time between snapshots")
	count := flag.Int("count", 1, "snapshots to print (0: until killed)")
	flag.Parse()

	descs := metrics.All()
	samples := make([]metrics.Sample, len(descs))
	for i, d := range descs {
		samples[i].Name = d.Name
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	garbage := make([][]byte, 0, 256)
	for n := 0; *count == 0 || n < *count; n++ {
		if n > 0 {
			time.Sleep(*interval)
		}
		for i := 0; i < 64; i++ {
			garbage = append(garbage, make([]byte, 16<<10))
			if len(garbage) == cap(garbage) {
				garbage = garbage[:0]
			}
		}
		if n == 0 {
			// one collection before the first snapshot, so that frees and GC pauses have data too
			runtime.GC()
		}
		metrics.Read(samples)
		b := make([]byte, 0, 256<<10)
		b = append(b, `{"resource":{"service.name":`...)
		b = strconv.AppendQuote(b, *service)
		b = append(b, `,"service.instance.id":`...)
		b = strconv.AppendQuote(b, *instance)
		b = append(b, `},"time_unix_nano":`...)
		b = strconv.AppendInt(b, time.Now().UnixNano(), 10)
		b = append(b, `,"samples":[`...)
		for i, s := range samples {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = strconv.AppendQuote(b, s.Name)
			b = append(b, `,"cumulative":`...)
			b = strconv.AppendBool(b, descs[i].Cumulative)
			switch s.Value.Kind() {
			case metrics.KindUint64:
				b = append(b, `,"kind":"uint64","value":`...)
				b = strconv.AppendUint(b, s.Value.Uint64(), 10)
			case metrics.KindFloat64:
				b = append(b, `,"kind":"float64","value":`...)
				b = number(b, s.Value.Float64())
			case metrics.KindFloat64Histogram:
				h := s.Value.Float64Histogram()
				b = append(b, `,"kind":"float64histogram","counts":[`...)
				for j, c := range h.Counts {
					if j > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendUint(b, c, 10)
				}
				b = append(b, `],"buckets":[`...)
				for j, e := range h.Buckets {
					if j > 0 {
						b = append(b, ',')
					}
					b = number(b, e)
				}
				b = append(b, ']')
			default:
				b = append(b, `,"kind":"bad"`...)
			}
			b = append(b, '}')
		}
		b = append(b, "]}\n"...)
		out.Write(b)
		out.Flush()
	}
}

// number appends a JSON number, or "NaN", "+Inf", "-Inf" as strings (the native form's spelling).
func number(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}
