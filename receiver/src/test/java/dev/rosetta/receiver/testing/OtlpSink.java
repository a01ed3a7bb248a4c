package dev.rosetta.receiver.testing;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A downstream OTLP/gRPC metrics receiver for tests: records every export call (request, metadata,
 * arrival time) and answers as programmed: OK, a status N times or for a duration (with or without
 * {@code google.rpc.RetryInfo}), a partial success, or no answer at all (hang).
 *
 * <p>Answers are chosen in this order: the scripted answers queued by {@code failNext}, {@code
 * hangNext} and {@code partialSuccessNext}, one per call; then a periodic failure ({@link
 * #failEvery}); then a timed failure ({@link #failFor}); otherwise OK. Thread-safe.
 *
 * <p>Transports: {@link #inProcess()} (use {@link #newChannel()}) and {@link #netty(Optional)} on
 * a loopback port (use {@link #target()}).
 */
public final class OtlpSink implements AutoCloseable {
  private static final Context.Key<Metadata> HEADERS = Context.key("otlp-sink-headers");

  /**
   * One export call as it arrived.
   *
   * @param failedWith the status the sink answered with; empty for OK, partial success or hang
   */
  public record Call(
      ExportMetricsServiceRequest request,
      Metadata headers,
      long arrivalNanos,
      Optional<Status.Code> failedWith) {

    /** The value of header {@code name}, if sent. */
    public Optional<String> header(String name) {
      return Optional.ofNullable(
          headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)));
    }

    public int points() {
      return countPoints(request);
    }
  }

  private sealed interface Answer permits Fail, Hang, Partial {}

  private record Fail(Status.Code code, Optional<Duration> retryDelay, Optional<String> retryAfter)
      implements Answer {
    Fail(Status.Code code, Optional<Duration> retryDelay) {
      this(code, retryDelay, Optional.empty());
    }
  }

  private record Hang() implements Answer {}

  private record Partial(long rejected, String message) implements Answer {}

  private final Object lock = new Object();
  private final ArrayDeque<Answer> script = new ArrayDeque<>();
  private final List<Call> calls = new ArrayList<>();
  private final List<Call> accepted = new ArrayList<>();
  private final List<Pending> hung = new ArrayList<>();
  private Optional<Fail> timedFailure = Optional.empty();
  private long timedFailureUntilNanos;
  private int failEvery;
  private Optional<Fail> periodicFailure = Optional.empty();
  private Duration responseDelay = Duration.ZERO;

  private final Optional<String> inProcessName;
  private volatile Server server;

  private record Pending(Call call, StreamObserver<ExportMetricsServiceResponse> observer) {}

  private OtlpSink(Optional<String> inProcessName) {
    this.inProcessName = inProcessName;
  }

  /** A sink on the in-process transport. */
  public static OtlpSink inProcess() {
    String name = "otlp-sink-" + UUID.randomUUID();
    OtlpSink sink = new OtlpSink(Optional.of(name));
    return sink.start(InProcessServerBuilder.forName(name).addService(sink.service()).build());
  }

  /** A sink on 127.0.0.1, an ephemeral port, plaintext or TLS. */
  public static OtlpSink netty(Optional<SslContext> tls) {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    tls.ifPresent(b::sslContext);
    OtlpSink sink = new OtlpSink(Optional.empty());
    return sink.start(b.addService(sink.service()).build());
  }

  private OtlpSink start(Server s) {
    try {
      this.server = s.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** A new in-process channel to this sink; the caller shuts it down. */
  public ManagedChannel newChannel() {
    return InProcessChannelBuilder.forName(inProcessName.orElseThrow()).build();
  }

  /** {@code host:port} of a Netty sink. */
  public String target() {
    InetSocketAddress a = (InetSocketAddress) server.getListenSockets().get(0);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    String host =
        loopback instanceof Inet6Address
            ? "[" + loopback.getHostAddress() + "]"
            : loopback.getHostAddress();
    return host + ":" + a.getPort();
  }

  // ---------------------------------------------------------------------------------------------
  // programming

  /** Answer the next {@code times} calls with {@code code}. */
  public OtlpSink failNext(int times, Status.Code code) {
    return enqueue(times, new Fail(code, Optional.empty()));
  }

  /** Answer the next {@code times} calls with {@code code} and a {@code RetryInfo} delay. */
  public OtlpSink failNextWithRetryInfo(int times, Status.Code code, Duration retryDelay) {
    return enqueue(times, new Fail(code, Optional.of(retryDelay)));
  }

  /**
   * Answer the next {@code times} calls with {@code code} and a {@code retry-after} trailer, as
   * gRPC hands over a proxy's HTTP 429 or 503.
   */
  public OtlpSink failNextWithRetryAfter(int times, Status.Code code, String retryAfter) {
    return enqueue(times, new Fail(code, Optional.empty(), Optional.of(retryAfter)));
  }

  /** Answer with {@code code} from now on for {@code duration}. */
  public OtlpSink failFor(Duration duration, Status.Code code) {
    synchronized (lock) {
      timedFailure = Optional.of(new Fail(code, Optional.empty()));
      timedFailureUntilNanos = System.nanoTime() + duration.toNanos();
    }
    return this;
  }

  /** Answer with {@code code} until {@link #recover()}. */
  public OtlpSink failAlways(Status.Code code) {
    return failFor(Duration.ofDays(1), code);
  }

  /** Answer every {@code n}-th call (counting all calls) with {@code code}. */
  public OtlpSink failEvery(int n, Status.Code code) {
    synchronized (lock) {
      failEvery = n;
      periodicFailure = Optional.of(new Fail(code, Optional.empty()));
    }
    return this;
  }

  /** Do not answer the next {@code times} calls until {@link #releaseHung()} or close. */
  public OtlpSink hangNext(int times) {
    return enqueue(times, new Hang());
  }

  /** Accept the next call with {@code partial_success} of {@code rejected} points. */
  public OtlpSink partialSuccessNext(long rejected, String message) {
    return enqueue(1, new Partial(rejected, message));
  }

  /** Wait this long before answering each call. */
  public OtlpSink responseDelay(Duration delay) {
    synchronized (lock) {
      responseDelay = delay;
    }
    return this;
  }

  /** Forget every programmed failure: answer OK from now on. */
  public OtlpSink recover() {
    synchronized (lock) {
      script.clear();
      timedFailure = Optional.empty();
      periodicFailure = Optional.empty();
    }
    return this;
  }

  /** Answer OK to the calls left hanging (those the client has not cancelled). */
  public void releaseHung() {
    List<Pending> release;
    synchronized (lock) {
      release = new ArrayList<>(hung);
      hung.clear();
    }
    for (Pending p : release) {
      ServerCallStreamObserver<ExportMetricsServiceResponse> o =
          (ServerCallStreamObserver<ExportMetricsServiceResponse>) p.observer();
      if (!o.isCancelled()) {
        synchronized (lock) {
          accepted.add(p.call());
        }
        o.onNext(ExportMetricsServiceResponse.getDefaultInstance());
        o.onCompleted();
      }
    }
  }

  private OtlpSink enqueue(int times, Answer answer) {
    synchronized (lock) {
      for (int i = 0; i < times; i++) {
        script.add(answer);
      }
    }
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // observations

  /** Every call received, in arrival order. */
  public List<Call> calls() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /** Calls answered OK (including partial successes), in answer order. */
  public List<Call> accepted() {
    synchronized (lock) {
      return List.copyOf(accepted);
    }
  }

  /** The requests of {@link #accepted()}. */
  public List<ExportMetricsServiceRequest> acceptedRequests() {
    return accepted().stream().map(Call::request).toList();
  }

  /**
   * Data points the sink may have applied: every call except those it answered with a failure
   * (calls left hanging count: a downstream may apply a request it never answers).
   */
  public long receivedPoints() {
    return calls().stream().filter(c -> c.failedWith().isEmpty()).mapToLong(Call::points).sum();
  }

  /** Data points in accepted calls. */
  public long acceptedPoints() {
    return accepted().stream().mapToLong(Call::points).sum();
  }

  /** Waits until at least {@code n} calls arrived; false on timeout. */
  public boolean awaitCalls(int n, Duration timeout) {
    return await(() -> calls().size() >= n, timeout);
  }

  /** Waits until at least {@code n} points were accepted; false on timeout. */
  public boolean awaitAcceptedPoints(long n, Duration timeout) {
    return await(() -> acceptedPoints() >= n, timeout);
  }

  @Override
  public void close() {
    List<Pending> pending;
    synchronized (lock) {
      pending = new ArrayList<>(hung);
      hung.clear();
    }
    for (Pending p : pending) {
      try {
        p.observer().onError(Status.UNAVAILABLE.withDescription("sink closed").asException());
      } catch (RuntimeException alreadyCancelled) {
        // the client gave up first
      }
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private io.grpc.ServerServiceDefinition service() {
    io.grpc.ServerInterceptor captureHeaders =
        new io.grpc.ServerInterceptor() {
          @Override
          public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
              io.grpc.ServerCall<Q, R> call,
              Metadata headers,
              io.grpc.ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(
                Context.current().withValue(HEADERS, headers), call, headers, next);
          }
        };
    return ServerInterceptors.intercept(new Service(), captureHeaders);
  }

  private final class Service extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> observer) {
      long arrival = System.nanoTime();
      Metadata headers = HEADERS.get();
      Optional<Answer> answer;
      Duration delay;
      Call call;
      synchronized (lock) {
        answer = chooseAnswer(arrival, calls.size() + 1);
        delay = responseDelay;
        Optional<Status.Code> failed =
            answer.filter(Fail.class::isInstance).map(a -> ((Fail) a).code());
        call = new Call(request, headers == null ? new Metadata() : headers, arrival, failed);
        calls.add(call);
        if (answer.isPresent() && answer.get() instanceof Hang) {
          hung.add(new Pending(call, observer));
          return;
        }
      }
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (answer.isPresent() && answer.get() instanceof Fail f) {
        observer.onError(failure(f));
        return;
      }
      ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
      if (answer.isPresent() && answer.get() instanceof Partial p) {
        response.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(p.rejected())
                .setErrorMessage(p.message()));
      }
      synchronized (lock) {
        accepted.add(call);
      }
      observer.onNext(response.build());
      observer.onCompleted();
    }
  }

  private Optional<Answer> chooseAnswer(long now, int callNumber) {
    if (!script.isEmpty()) {
      return Optional.of(script.poll());
    }
    if (periodicFailure.isPresent() && callNumber % failEvery == 0) {
      return Optional.of(periodicFailure.get());
    }
    if (timedFailure.isPresent() && now - timedFailureUntilNanos < 0) {
      return Optional.of(timedFailure.get());
    }
    return Optional.empty();
  }

  private static Throwable failure(Fail f) {
    if (f.retryAfter().isPresent()) {
      Metadata trailers = new Metadata();
      trailers.put(Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER), f.retryAfter().get());
      return Status.fromCode(f.code()).withDescription("programmed failure").asRuntimeException(trailers);
    }
    if (f.retryDelay().isEmpty()) {
      return Status.fromCode(f.code()).withDescription("programmed failure").asRuntimeException();
    }
    Duration d = f.retryDelay().get();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(f.code().value())
            .setMessage("programmed failure, retry later")
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder()
                                .setSeconds(d.getSeconds())
                                .setNanos(d.getNano()))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** Data points of all metrics in {@code request}. */
  public static int countPoints(ExportMetricsServiceRequest request) {
    int n = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n +=
              switch (m.getDataCase()) {
                case GAUGE -> m.getGauge().getDataPointsCount();
                case SUM -> m.getSum().getDataPointsCount();
                case HISTOGRAM -> m.getHistogram().getDataPointsCount();
                case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
                case SUMMARY -> m.getSummary().getDataPointsCount();
                case DATA_NOT_SET -> 0;
              };
        }
      }
    }
    return n;
  }

  /** Polls {@code condition} every few milliseconds until true or {@code timeout}. */
  public static boolean await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
