// Package rosetta sends this Go program's runtime/metrics to a Rosetta service, which serves them
// as labelled metric families for Prometheus and forwards them over OTLP. Standard library only;
// Go 1.19 or later. A service starts it in one line:
//
//	defer rosetta.Start(rosetta.Options{}).Stop()
//
// Every Interval it reads runtime/metrics (every metric the runtime describes) and posts them in
// Rosetta's native form to POST <Endpoint>/v1/go/runtime-metrics. Settings left empty come from the
// OpenTelemetry environment: the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT (Rosetta's OTLP/HTTP
// port, default http://localhost:4318), service.name from OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES, service.instance.id from OTEL_RESOURCE_ATTRIBUTES (else host name and
// process id), and the other resource attributes from OTEL_RESOURCE_ATTRIBUTES.
//
// A post that takes longer than Timeout is abandoned. When Rosetta answers 503 or 429 (it is
// overloaded or its forward queue is full) the next post waits for its Retry-After; after other
// failures (no connection, 5xx) the wait doubles up to MaxBackoff, and the first success restores
// the interval. One goroutine does all of it, with buffers reused between posts, so neither
// goroutines nor memory grow over time.
package rosetta

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Path is the path of Rosetta's native Go runtime endpoint.
const Path = "/v1/go/runtime-metrics"

// Options configure a Sender; the zero value works (see the package documentation for defaults).
type Options struct {
	// Endpoint is Rosetta's OTLP/HTTP base URL, such as http://rosetta:4318; the path is added.
	Endpoint string
	// ServiceName is service.name.
	ServiceName string
	// InstanceID is service.instance.id.
	InstanceID string
	// Attributes are further resource attributes; they override OTEL_RESOURCE_ATTRIBUTES.
	Attributes map[string]string
	// Interval is the time between posts (default 15s).
	Interval time.Duration
	// Timeout bounds one post, connection included (default 10s).
	Timeout time.Duration
	// MaxBackoff bounds the wait after failures and Retry-After (default 5m).
	MaxBackoff time.Duration
	// Client sends the posts (default: a client with Timeout). Its Timeout is left as it is.
	Client *http.Client
	// Logf reports failures, once per kind of failure until a post succeeds (default: log.Printf;
	// a function that does nothing silences it).
	Logf func(format string, args ...any)
	// Environ is the environment read for defaults (default os.Environ); for tests.
	Environ []string
}

// Stats counts what a Sender did.
type Stats struct {
	Posts     uint64 // posts Rosetta accepted (HTTP 2xx)
	Failures  uint64 // posts that failed or were refused
	Throttled uint64 // posts answered 503 or 429
}

// Sender posts runtime/metrics snapshots until stopped. Its methods are safe for concurrent use.
type Sender struct {
	url       string
	resource  map[string]string
	opts      Options
	cancel    context.CancelFunc
	done      chan struct{}
	stopOnce  sync.Once
	posts     atomic.Uint64
	failures  atomic.Uint64
	throttled atomic.Uint64
}

// Start starts a Sender; its first post is made at once. Stop it with Stop.
func Start(opts Options) *Sender {
	s := newSender(opts)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.run(ctx)
	return s
}

func newSender(opts Options) *Sender {
	env := opts.Environ
	if env == nil {
		env = os.Environ()
	}
	getenv := func(key string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if strings.HasPrefix(env[i], key+"=") {
				return env[i][len(key)+1:]
			}
		}
		return ""
	}
	if opts.Interval <= 0 {
		opts.Interval = 15 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: opts.Timeout}
	}
	endpoint := opts.Endpoint
	if endpoint == "" {
		endpoint = getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if endpoint == "" {
		endpoint = "http://localhost:4318"
	}
	resource := ParseResourceAttributes(getenv("OTEL_RESOURCE_ATTRIBUTES"))
	if name := getenv("OTEL_SERVICE_NAME"); name != "" {
		resource["service.name"] = name
	}
	for k, v := range opts.Attributes {
		resource[k] = v
	}
	if opts.ServiceName != "" {
		resource["service.name"] = opts.ServiceName
	}
	if opts.InstanceID != "" {
		resource["service.instance.id"] = opts.InstanceID
	}
	if resource["service.name"] == "" {
		resource["service.name"] = "unknown_service:" + filepath.Base(os.Args[0])
	}
	if resource["service.instance.id"] == "" {
		host, _ := os.Hostname()
		resource["service.instance.id"] = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return &Sender{
		url:      strings.TrimRight(endpoint, "/") + Path,
		resource: resource,
		opts:     opts,
		done:     make(chan struct{}),
	}
}

// ParseResourceAttributes parses OTEL_RESOURCE_ATTRIBUTES: key=value pairs separated by commas,
// keys and values percent-decoded; malformed pairs are skipped, as the specification asks.
func ParseResourceAttributes(s string) map[string]string {
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		eq := strings.IndexByte(pair, '=')
		if eq <= 0 {
			continue
		}
		k, err1 := url.PathUnescape(strings.TrimSpace(pair[:eq]))
		v, err2 := url.PathUnescape(strings.TrimSpace(pair[eq+1:]))
		if err1 != nil || err2 != nil || k == "" {
			continue
		}
		m[k] = v
	}
	return m
}

// Resource is the resource the Sender posts with.
func (s *Sender) Resource() map[string]string {
	m := make(map[string]string, len(s.resource))
	for k, v := range s.resource {
		m[k] = v
	}
	return m
}

// URL is where the Sender posts.
func (s *Sender) URL() string { return s.url }

// Stats tells what the Sender did so far.
func (s *Sender) Stats() Stats {
	return Stats{Posts: s.posts.Load(), Failures: s.failures.Load(), Throttled: s.throttled.Load()}
}

// Stop stops the Sender and waits for its goroutine to end; a post under way is abandoned. Safe to
// call more than once, and on a nil Sender.
func (s *Sender) Stop() {
	if s == nil {
		return
	}
	s.stopOnce.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	<-s.done
}

func (s *Sender) run(ctx context.Context) {
	defer close(s.done)
	reader := NewReader(s.resource)
	var body []byte
	var body2 bytes.Reader
	timer := time.NewTimer(0)
	defer timer.Stop()
	var failing string // the kind of the last failure logged
	backoff := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		body = reader.AppendJSON(body[:0], time.Now())
		body2.Reset(body)
		wait, kind, err := s.post(ctx, &body2)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err == nil:
			s.posts.Add(1)
			if failing != "" {
				s.opts.Logf("rosetta: posting runtime metrics to %s works again", s.url)
			}
			failing = ""
			backoff = 0
			wait = s.opts.Interval
		default:
			s.failures.Add(1)
			if kind != failing {
				s.opts.Logf("rosetta: posting runtime metrics to %s: %v (logged once until a post succeeds)", s.url, err)
				failing = kind
			}
			if wait == 0 { // no Retry-After: back off exponentially
				if backoff == 0 {
					backoff = s.opts.Interval
				} else {
					backoff *= 2
				}
				wait = backoff
			}
			if wait < s.opts.Interval {
				wait = s.opts.Interval
			}
		}
		if wait > s.opts.MaxBackoff {
			wait = s.opts.MaxBackoff
		}
		timer.Reset(wait)
	}
}

// post sends one body; on failure it returns the wait Rosetta asked for (0: none) and the kind of
// failure (for logging once).
func (s *Sender) post(ctx context.Context, body *bytes.Reader) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, body)
	if err != nil {
		return 0, "request", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return 0, "transport", err
	}
	defer resp.Body.Close()
	// read (a bounded part of) the answer so that the connection is reused
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 {
		return 0, "", nil
	}
	var wait time.Duration
	if resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests {
		s.throttled.Add(1)
		wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return wait, "http " + strconv.Itoa(resp.StatusCode),
		fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0
		}
		if n > 86400 {
			n = 86400
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
