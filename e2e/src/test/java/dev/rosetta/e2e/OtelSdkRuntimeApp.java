package dev.rosetta.e2e;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenTelemetry SDK JVM peer, run as a child JVM: the SDK with the runtime telemetry of
 * {@code opentelemetry-runtime-telemetry}, exporting OTLP/gRPC every second.
 *
 * <pre>OtelSdkRuntimeApp ENDPOINT SERVICE_NAME SERVICE_INSTANCE_ID SECONDS [experimental]</pre>
 *
 * It allocates a little and asks for a collection every second, so that the GC metrics have data,
 * and exits after {@code SECONDS} (a bound in case the test cannot stop it).
 */
public final class OtelSdkRuntimeApp {
  private OtelSdkRuntimeApp() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), args[1],
        AttributeKey.stringKey("service.instance.id"), args[2])));
    long seconds = Long.parseLong(args[3]);
    OtlpGrpcMetricExporter exporter = OtlpGrpcMetricExporter.builder()
        .setEndpoint(endpoint)
        .setTimeout(Duration.ofSeconds(5))
        .build();
    SdkMeterProvider meters = SdkMeterProvider.builder()
        .setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofSeconds(1)).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
    Runtime.getRuntime().addShutdownHook(new Thread(sdk::close, "sdk-shutdown"));
    RuntimeTelemetry telemetry;
    if (args.length > 4 && args[4].equals("experimental")) {
      // the experimental families too (jvm.memory.init, jvm.buffer.*, jvm.system.cpu.*, ...)
      var builder = RuntimeTelemetry.builder(sdk);
      io.opentelemetry.instrumentation.runtimetelemetry.internal.Experimental.setEmitExperimentalMetrics(builder, true);
      telemetry = builder.build();
    } else {
      telemetry = RuntimeTelemetry.create(sdk);
    }
    try {
      System.out.println("runtime telemetry started, exporting to " + endpoint);
      List<byte[]> garbage = new ArrayList<>();
      for (long i = 0; i < seconds; i++) {
        for (int j = 0; j < 64; j++) {
          garbage.add(new byte[16 << 10]);
        }
        garbage.clear();
        System.gc();
        Thread.sleep(1000);
      }
    } finally {
      telemetry.close();
    }
  }
}
