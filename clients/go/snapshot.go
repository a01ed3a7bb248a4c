package rosetta

import (
	"math"
	"runtime/metrics"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// Reader reads this process's runtime/metrics and renders them in Rosetta's native form, the body
// of POST /v1/go/runtime-metrics. It keeps its buffers between reads, so a read allocates nothing
// once the buffers have grown to size. Not safe for concurrent use.
type Reader struct {
	resource   []string // key, value, key, value ... sorted by key
	cumulative []bool
	samples    []metrics.Sample
}

// NewReader returns a Reader for every metric the runtime describes (metrics.All), with the given
// resource attributes (service.name, service.instance.id, ...).
func NewReader(resource map[string]string) *Reader {
	descs := metrics.All()
	r := &Reader{
		samples:    make([]metrics.Sample, len(descs)),
		cumulative: make([]bool, len(descs)),
	}
	for i, d := range descs {
		r.samples[i].Name = d.Name
		r.cumulative[i] = d.Cumulative
	}
	keys := make([]string, 0, len(resource))
	for k := range resource {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.resource = append(r.resource, k, resource[k])
	}
	return r
}

// AppendJSON reads the runtime's metrics now and appends the native JSON body to dst.
func (r *Reader) AppendJSON(dst []byte, now time.Time) []byte {
	metrics.Read(r.samples)
	dst = append(dst, `{"resource":{`...)
	for i := 0; i < len(r.resource); i += 2 {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, r.resource[i])
		dst = append(dst, ':')
		dst = appendString(dst, r.resource[i+1])
	}
	dst = append(dst, `},"time_unix_nano":`...)
	dst = strconv.AppendInt(dst, now.UnixNano(), 10)
	dst = append(dst, `,"samples":[`...)
	for i := range r.samples {
		s := &r.samples[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = appendString(dst, s.Name)
		switch s.Value.Kind() {
		case metrics.KindUint64:
			dst = append(dst, `,"kind":"uint64","value":`...)
			dst = strconv.AppendUint(dst, s.Value.Uint64(), 10)
		case metrics.KindFloat64:
			dst = append(dst, `,"kind":"float64","value":`...)
			dst = appendNumber(dst, s.Value.Float64())
		case metrics.KindFloat64Histogram:
			h := s.Value.Float64Histogram()
			dst = append(dst, `,"kind":"float64histogram","counts":[`...)
			for j, c := range h.Counts {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = strconv.AppendUint(dst, c, 10)
			}
			dst = append(dst, `],"buckets":[`...)
			for j, b := range h.Buckets {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendNumber(dst, b)
			}
			dst = append(dst, ']')
		default:
			dst = append(dst, `,"kind":"bad"`...)
		}
		if r.cumulative[i] {
			dst = append(dst, `,"cumulative":true}`...)
		} else {
			dst = append(dst, `,"cumulative":false}`...)
		}
	}
	return append(dst, "]}"...)
}

// appendNumber writes a float as JSON: NaN and the infinities as the strings Rosetta accepts.
func appendNumber(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Inf"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// appendString writes a JSON string: quotes, backslashes and control characters escaped, invalid
// UTF-8 replaced.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
