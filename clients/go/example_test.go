package rosetta_test

import (
	"time"

	rosetta "rosetta.dev/clients/go"
)

// A service sends its runtime metrics to Rosetta for as long as it runs.
func ExampleStart() {
	defer rosetta.Start(rosetta.Options{Endpoint: "http://rosetta:4318", ServiceName: "checkout"}).Stop()
	// ... the service runs ...
}

// Settings left out come from OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES.
func ExampleOptions() {
	sender := rosetta.Start(rosetta.Options{Interval: 30 * time.Second, Timeout: 5 * time.Second})
	defer sender.Stop()
}
