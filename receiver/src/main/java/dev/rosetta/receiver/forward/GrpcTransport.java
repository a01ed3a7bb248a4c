package dev.rosetta.receiver.forward;

import dev.rosetta.receiver.config.Compression;
import dev.rosetta.receiver.config.OtlpExporterConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: one unary {@code Export} call per attempt over a Netty channel, classified by {@link
 * RetryPolicy}. An attempt is uncertain when its message left and no trailers came back, or the
 * downstream answered {@code DEADLINE_EXCEEDED} or {@code CANCELLED}.
 */
final class GrpcTransport implements ExportTransport {
  private final OtlpExporterConfig config;
  private final Channel channel;
  private final Optional<ManagedChannel> ownedChannel;
  private final ExporterLifecycle lifecycle;
  private final String downstream;

  GrpcTransport(OtlpExporterConfig config, Channel channel, Optional<ManagedChannel> ownedChannel,
      ExporterLifecycle lifecycle, String downstream) {
    this.config = config;
    this.channel = config.headers().isEmpty() ? channel
        : ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers(config)));
    this.ownedChannel = ownedChannel;
    this.lifecycle = lifecycle;
    this.downstream = downstream;
  }

  /** A transport owning a channel to the configured endpoint. */
  static GrpcTransport create(OtlpExporterConfig config, ExporterLifecycle lifecycle) {
    ManagedChannel channel = ForwarderChannels.create(config);
    return new GrpcTransport(config, channel, Optional.of(channel), lifecycle, config.endpoint().toString());
  }

  private static Metadata headers(OtlpExporterConfig config) {
    Metadata h = new Metadata();
    config.headers().forEach((k, v) -> h.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return h;
  }

  /** Whether an attempt's request left, and whether the downstream answered it. */
  private static final class Attempt extends ClientStreamTracer.Factory {
    volatile boolean sent;
    volatile boolean answered;

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void outboundMessageSent(int seqNo, long wireSize, long uncompressedSize) {
          sent = true;
        }

        @Override
        public void inboundTrailers(Metadata trailers) {
          answered = true;
        }
      };
    }

    boolean uncertain(Status.Code code) {
      return sent && (!answered || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED);
    }
  }

  @Override
  public ExportMetricsServiceResponse export(ExportBatch batch) throws Failure {
    Attempt attempt = new Attempt();
    CallOptions options = CallOptions.DEFAULT
        .withDeadlineAfter(config.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .withStreamTracerFactory(attempt);
    if (config.compression() == Compression.GZIP) {
      options = options.withCompression("gzip");
    }
    // calls run in a context that shutdown cancels once the deadline has passed
    Context previous = lifecycle.callContext.attach();
    try {
      return ClientCalls.blockingUnaryCall(channel, ExportBatch.EXPORT, options, batch);
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      Status.Code code = status.getCode();
      Optional<Duration> retryInfo = RetryPolicy.retryInfo(e);
      boolean retryable = RetryPolicy.isRetryable(code, retryInfo.isPresent());
      DropReason permanent = code == Status.Code.RESOURCE_EXHAUSTED ? DropReason.RESOURCE_EXHAUSTED
          : DropReason.NON_RETRYABLE;
      throw new Failure(code, retryable, RetryPolicy.retryDelay(e, e.getTrailers(), ZonedDateTime.now()),
          attempt.uncertain(code), permanent, describe(status), e);
    } finally {
      lifecycle.callContext.detach(previous);
    }
  }

  @Override
  public void reconnectNow() {
    // gRPC's own reconnect backoff grows to minutes: the retry policy decides when to try, so the
    // channel should connect right away when it does, and delivery resumes as the downstream is back.
    ownedChannel.ifPresent(ManagedChannel::resetConnectBackoff);
  }

  @Override
  public void close() {
    ownedChannel.ifPresent(GrpcTransport::closeChannel);
  }

  @Override
  public String downstream() {
    return downstream;
  }

  private static void closeChannel(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Status status) {
    return status.getDescription() == null
        ? status.getCode().name()
        : status.getCode() + ": " + status.getDescription();
  }
}
