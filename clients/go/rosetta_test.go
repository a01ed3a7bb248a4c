package rosetta

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// body is the native form as Rosetta reads it.
type body struct {
	Resource     map[string]string `json:"resource"`
	TimeUnixNano int64             `json:"time_unix_nano"`
	Samples      []struct {
		Name       string   `json:"name"`
		Kind       string   `json:"kind"`
		Value      any      `json:"value"`
		Counts     []uint64 `json:"counts"`
		Buckets    []any    `json:"buckets"`
		Cumulative bool     `json:"cumulative"`
	} `json:"samples"`
}

// recorder is a Rosetta stand-in that records the bodies it gets and answers with the statuses
// it is given, then 200.
type recorder struct {
	mu       sync.Mutex
	bodies   []body
	times    []time.Time
	statuses []int
	headers  []http.Header
	delay    time.Duration
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	data, _ := io.ReadAll(req.Body)
	var b body
	err := json.Unmarshal(data, &b)
	r.mu.Lock()
	r.times = append(r.times, time.Now())
	if err == nil {
		r.bodies = append(r.bodies, b)
	}
	status := http.StatusOK
	var header http.Header
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
		if len(r.headers) > 0 {
			header, r.headers = r.headers[0], r.headers[1:]
		}
	}
	delay := r.delay
	r.mu.Unlock()
	if req.URL.Path != Path || req.Header.Get("Content-Type") != "application/json" || err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-req.Context().Done():
			return
		}
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.times)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func quiet(string, ...any) {}

func TestPostsEveryRuntimeMetricInTheNativeForm(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := Start(Options{Endpoint: srv.URL + "/", ServiceName: "checkout", InstanceID: "pod-1",
		Attributes: map[string]string{"deployment.environment": "test \"quoted\""}, Interval: time.Hour,
		Logf: quiet, Environ: []string{}})
	defer s.Stop()
	waitFor(t, "the first post", func() bool { return s.Stats().Posts >= 1 })
	rec.mu.Lock()
	b := rec.bodies[0]
	rec.mu.Unlock()
	if b.Resource["service.name"] != "checkout" || b.Resource["service.instance.id"] != "pod-1" ||
		b.Resource["deployment.environment"] != "test \"quoted\"" {
		t.Fatalf("resource %v", b.Resource)
	}
	if d := time.Since(time.Unix(0, b.TimeUnixNano)); d < 0 || d > time.Minute {
		t.Fatalf("time_unix_nano %d is not now", b.TimeUnixNano)
	}
	descs := metrics.All()
	if len(b.Samples) != len(descs) {
		t.Fatalf("%d samples for %d metrics", len(b.Samples), len(descs))
	}
	for i, d := range descs {
		got := b.Samples[i]
		if got.Name != d.Name || got.Cumulative != d.Cumulative {
			t.Fatalf("sample %d: %+v for %+v", i, got, d)
		}
		switch d.Kind {
		case metrics.KindUint64:
			if got.Kind != "uint64" || got.Value == nil {
				t.Fatalf("%s: %+v", d.Name, got)
			}
		case metrics.KindFloat64:
			if got.Kind != "float64" || got.Value == nil {
				t.Fatalf("%s: %+v", d.Name, got)
			}
		case metrics.KindFloat64Histogram:
			if got.Kind != "float64histogram" || len(got.Buckets) != len(got.Counts)+1 {
				t.Fatalf("%s: %d buckets for %d counts", d.Name, len(got.Buckets), len(got.Counts))
			}
		}
	}
	if st := s.Stats(); st.Posts != 1 || st.Failures != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestResourceFromTheOpenTelemetryEnvironment(t *testing.T) {
	env := []string{
		"OTEL_RESOURCE_ATTRIBUTES=service.name=from-attrs,service.instance.id=i%2D7, team = payments ,broken,=x",
		"OTEL_SERVICE_NAME=orders",
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://rosetta.example:4318",
	}
	s := newSender(Options{Environ: env, Logf: quiet})
	r := s.Resource()
	if r["service.name"] != "orders" || r["service.instance.id"] != "i-7" || r["team"] != "payments" || len(r) != 3 {
		t.Fatalf("resource %v", r)
	}
	if s.URL() != "http://rosetta.example:4318/v1/go/runtime-metrics" {
		t.Fatalf("url %s", s.URL())
	}
	s = newSender(Options{Environ: env, ServiceName: "explicit", Endpoint: "http://a:1", Logf: quiet})
	if s.Resource()["service.name"] != "explicit" || s.URL() != "http://a:1/v1/go/runtime-metrics" {
		t.Fatalf("options do not win: %v %s", s.Resource(), s.URL())
	}
	s = newSender(Options{Environ: []string{}, Logf: quiet})
	if !strings.HasPrefix(s.Resource()["service.name"], "unknown_service:") || s.Resource()["service.instance.id"] == "" ||
		s.URL() != "http://localhost:4318/v1/go/runtime-metrics" {
		t.Fatalf("defaults: %v %s", s.Resource(), s.URL())
	}
}

func TestWaitsForRetryAfterWhenRosettaIsBusy(t *testing.T) {
	rec := &recorder{
		statuses: []int{http.StatusServiceUnavailable, http.StatusOK},
		headers:  []http.Header{{"Retry-After": []string{"1"}}},
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := Start(Options{Endpoint: srv.URL, Interval: 20 * time.Millisecond, Logf: quiet, Environ: []string{}})
	defer s.Stop()
	waitFor(t, "the post after the 503", func() bool { return rec.count() >= 2 })
	rec.mu.Lock()
	gap := rec.times[1].Sub(rec.times[0])
	rec.mu.Unlock()
	if gap < 900*time.Millisecond {
		t.Fatalf("posted again %v after a 503 with Retry-After: 1", gap)
	}
	waitFor(t, "posts at the interval again", func() bool { return rec.count() >= 5 })
	if st := s.Stats(); st.Throttled != 1 || st.Failures != 1 || st.Posts < 3 {
		t.Fatalf("stats %+v", st)
	}
}

func TestBacksOffExponentiallyWithoutRetryAfter(t *testing.T) {
	rec := &recorder{statuses: []int{500, 500, 500, 500}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var logged []string
	var mu sync.Mutex
	logf := func(f string, a ...any) {
		mu.Lock()
		logged = append(logged, f)
		mu.Unlock()
	}
	s := Start(Options{Endpoint: srv.URL, Interval: 20 * time.Millisecond, Logf: logf, Environ: []string{}})
	defer s.Stop()
	waitFor(t, "recovery", func() bool { return s.Stats().Posts >= 1 })
	rec.mu.Lock()
	gaps := []time.Duration{}
	for i := 1; i < 5; i++ {
		gaps = append(gaps, rec.times[i].Sub(rec.times[i-1]))
	}
	rec.mu.Unlock()
	// waits of 20, 40, 80, 160 ms
	if gaps[3] < 150*time.Millisecond || gaps[3] < gaps[1] {
		t.Fatalf("waits after failures %v do not grow", gaps)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 2 { // the failure once, then the recovery
		t.Fatalf("logged %d lines: %v", len(logged), logged)
	}
}

func TestAPostThatHangsIsAbandonedAfterTheTimeoutAndStopDoesNotWait(t *testing.T) {
	rec := &recorder{delay: time.Hour}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	start := time.Now()
	s := Start(Options{Endpoint: srv.URL, Interval: time.Hour, Timeout: 100 * time.Millisecond, Logf: quiet,
		Environ: []string{}})
	waitFor(t, "the timed-out post", func() bool { return s.Stats().Failures >= 1 })
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the post took %v with a 100ms timeout", d)
	}
	s2 := Start(Options{Endpoint: srv.URL, Interval: time.Hour, Timeout: time.Hour, Logf: quiet, Environ: []string{}})
	waitFor(t, "a post under way", func() bool { return rec.count() >= 2 })
	stopped := time.Now()
	s2.Stop()
	s2.Stop() // again: a no-op
	if d := time.Since(stopped); d > 2*time.Second {
		t.Fatalf("Stop took %v with a post under way", d)
	}
	s.Stop()
	var nilSender *Sender
	nilSender.Stop()
}

func TestNeitherGoroutinesNorMemoryGrow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	before := runtime.NumGoroutine()
	s := Start(Options{Endpoint: srv.URL, Interval: time.Millisecond, Logf: quiet, Environ: []string{}})
	defer s.Stop()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	waitFor(t, "100 posts", func() bool { return s.Stats().Posts >= 100 })
	goroutines := runtime.NumGoroutine()
	early := heap()
	waitFor(t, "1000 posts", func() bool { return s.Stats().Posts >= 1000 })
	late := heap()
	t.Logf("goroutines %d after 100 posts, %d after 1000; heap %d bytes after 100 posts, %d after 1000",
		goroutines, runtime.NumGoroutine(), early, late)
	if g := runtime.NumGoroutine(); g > goroutines+2 {
		t.Fatalf("goroutines grew from %d to %d over 900 posts", goroutines, g)
	}
	// allow for noise (the test's own HTTP server), not for anything kept per post
	if late > early+2<<20 {
		t.Fatalf("heap grew from %d to %d bytes over 900 posts", early, late)
	}
	s.Stop()
	srv.CloseClientConnections()
	waitFor(t, "the goroutines to end", func() bool { return runtime.NumGoroutine() <= before+1 })
}

func TestReadingASnapshotAllocatesNothingOnceWarm(t *testing.T) {
	r := NewReader(map[string]string{"service.name": "a"})
	buf := r.AppendJSON(nil, time.Now())
	now := time.Now()
	allocs := testing.AllocsPerRun(100, func() {
		buf = r.AppendJSON(buf[:0], now)
	})
	t.Logf("%v allocations per snapshot of %d metrics (%d bytes)", allocs, len(r.samples), len(buf))
	if allocs > 0 {
		t.Fatalf("%v allocations per snapshot", allocs)
	}
	var b body
	if err := json.Unmarshal(buf, &b); err != nil {
		t.Fatalf("the snapshot is not JSON: %v", err)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"-1", 0}, {"soon", 0}, {"999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Second).Format(http.TimeFormat), 0},
	} {
		if got := retryAfter(c.v, now); got != c.want {
			t.Errorf("Retry-After %q: %v, want %v", c.v, got, c.want)
		}
	}
}

func TestJSONStrings(t *testing.T) {
	got := string(appendString(nil, "a\"b\\c\n\x01é\xff"))
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != "a\"b\\c\n\x01é\uFFFD" {
		t.Fatalf("%s decodes to %q (%v)", got, back, err)
	}
}
