package dev.rosetta.receiver.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import dev.rosetta.receiver.admission.Admission;
import dev.rosetta.receiver.admission.IngestExecutor;
import dev.rosetta.receiver.admission.RequestBudget;
import dev.rosetta.receiver.otlp.OtlpEncoder;
import dev.rosetta.receiver.otlp.OtlpWireDecoder;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code opentelemetry.proto.collector.metrics.v1.MetricsService/Export}, admitted by memory at the
 * start of the call, before its message is read.
 *
 * <p>The call's callbacks run on the small ingest lane (gRPC's executor). At the start the heap and
 * the lane are checked, and the message is reserved in the in-flight budget at its largest
 * ({@code max_recv_msg_size_mib}, twice that for a compressed call: gRPC announces no length, and
 * the whole message is buffered once asked for; at most the whole budget); only then is the message
 * asked for. When it has
 * arrived, the reservation becomes its decoded size and decoded form. A refused call is closed with
 * UNAVAILABLE and a {@code google.rpc.RetryInfo}, or RESOURCE_EXHAUSTED when it could never fit; its
 * message is never read. A message of {@value IngestExecutor#LARGE_REQUEST_BYTES} bytes or more is
 * decoded and applied on the large lane.
 *
 * <p>The request is taken as bytes and parsed here, so that a malformed payload is answered
 * INVALID_ARGUMENT (the OTLP status) rather than the INTERNAL grpc-java gives for an unparseable
 * message.
 */
public final class OtlpGrpcService {
  private static final Logger LOG = Logger.getLogger(OtlpGrpcService.class.getName());
  static final String TRANSPORT = "grpc";

  private OtlpGrpcService() {}

  public static ServerServiceDefinition definition(IngestService ingest, Admission admission, int maxMessageBytes) {
    MethodDescriptor<byte[], ExportMetricsServiceResponse> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE, ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
        .build();
    return ServerServiceDefinition.builder(MetricsServiceGrpc.SERVICE_NAME)
        .addMethod(export, new ExportHandler(ingest, admission, maxMessageBytes))
        .build();
  }

  private static final class ExportHandler implements ServerCallHandler<byte[], ExportMetricsServiceResponse> {
    private final IngestService ingest;
    private final Admission admission;
    private final int maxMessageBytes;

    ExportHandler(IngestService ingest, Admission admission, int maxMessageBytes) {
      this.ingest = ingest;
      this.admission = admission;
      this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], ExportMetricsServiceResponse> call,
        Metadata headers) {
      Optional<Admission.Refusal> refused = admission.check(TRANSPORT, 0);
      IngestExecutor.Lane lane = admission.executor().small();
      if (refused.isEmpty() && !lane.tryEnter()) {
        refused = Optional.of(admission.queueFull(TRANSPORT));
      }
      if (refused.isPresent()) {
        close(ingest, call, refused.get());
        return new ServerCall.Listener<>() {};
      }
      RequestBudget budget = RequestBudget.open(admission, TRANSPORT, Admission.Format.PROTOBUF);
      String encoding = headers.get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER));
      boolean compressed = encoding != null && !encoding.equals("identity");
      // a budget smaller than the largest message takes calls one at a time rather than none
      long start = Math.min(compressed ? 2L * maxMessageBytes : maxMessageBytes, admission.limiter().budget());
      refused = budget.growRaw(start);
      if (refused.isPresent()) {
        budget.release();
        lane.exit();
        close(ingest, call, refused.get());
        return new ServerCall.Listener<>() {};
      }
      Export e = new Export(call, budget, lane);
      call.request(2); // a second message is refused, as gRPC's unary calls do
      return e;
    }

    /** One call, from the arrival of its message to its answer. */
    private final class Export extends ServerCall.Listener<byte[]> {
      private final ServerCall<byte[], ExportMetricsServiceResponse> call;
      private final RequestBudget budget;
      private final IngestExecutor.Lane small;
      private final AtomicBoolean finished = new AtomicBoolean();
      /** Whether this call counts on the small lane (until an expensive one moves to the large lane). */
      private volatile boolean onSmallLane = true;
      private byte[] message;
      /** Set on gRPC's callback thread once an answer is under way; from then on that path finishes. */
      private boolean closed;

      Export(ServerCall<byte[], ExportMetricsServiceResponse> call, RequestBudget budget, IngestExecutor.Lane small) {
        this.call = call;
        this.budget = budget;
        this.small = small;
      }

      @Override
      public void onMessage(byte[] bytes) {
        if (closed) {
          return;
        }
        if (message != null) {
          fail(Status.INVALID_ARGUMENT.withDescription("more than one request message in a unary call"));
          return;
        }
        message = bytes;
        // the buffered message is gone; what is held now is its bytes and, soon, their decoded form
        budget.shrink(budget.reserved());
        try {
          budget.growDecoded(bytes.length);
        } catch (RequestBudget.OverBudgetException e) {
          closed = true;
          finish();
          close(ingest, call, e.refusal());
        }
      }

      @Override
      public void onHalfClose() {
        if (closed) {
          return;
        }
        if (message == null) {
          fail(Status.INVALID_ARGUMENT.withDescription("half-closed without a request message"));
          return;
        }
        closed = true;
        IngestExecutor.Lane lane = admission.executor().laneFor(message.length);
        if (lane == small) {
          process();
          return;
        }
        // an expensive request leaves the small lane to cheap ones
        onSmallLane = false;
        small.exit();
        if (!lane.trySubmit(this::process)) {
          finish();
          close(ingest, call, admission.queueFull(TRANSPORT));
        }
      }

      private void process() {
        try {
          OtlpWireDecoder.Decoded decoded;
          try {
            decoded = OtlpWireDecoder.decode(message);
          } catch (InvalidProtocolBufferException e) {
            ingest.refusedRequest(TRANSPORT, IngestStatus.MALFORMED);
            finish();
            call.close(Status.INVALID_ARGUMENT.withDescription("invalid OTLP protobuf: " + e.getMessage()),
                new Metadata());
            return;
          }
          message = null;
          IngestService.Outcome outcome = OtlpIngest.ingest(ingest, decoded, TRANSPORT);
          // the call's memory and lane place are given back before its answer goes out: a sender
          // that sends its next call on the answer finds them free
          finish();
          if (outcome.status() == IngestStatus.OVERLOADED) {
            closeWithRetry(call, outcome.status(), outcome.message(), outcome.retryAfter());
            return;
          }
          call.sendHeaders(new Metadata());
          call.sendMessage(OtlpEncoder.response(outcome.rejectedPoints(), outcome.message()));
          call.close(Status.OK, new Metadata());
        } catch (RuntimeException | StackOverflowError e) {
          LOG.log(Level.WARNING, "internal error handling an OTLP/gRPC export", e);
          ingest.refusedRequest(TRANSPORT, IngestStatus.INTERNAL);
          try {
            call.close(Status.INTERNAL.withDescription("internal error: " + e), new Metadata());
          } catch (IllegalStateException alreadyClosed) {
            LOG.log(Level.FINE, "call already closed", alreadyClosed);
          }
        } finally {
          finish();
        }
      }

      private void fail(Status status) {
        closed = true;
        ingest.refusedRequest(TRANSPORT, IngestStatus.MALFORMED);
        finish();
        call.close(status, new Metadata());
      }

      @Override
      public void onCancel() {
        if (!closed) {
          finish();
        }
      }

      @Override
      public void onComplete() {
        if (!closed) {
          finish();
        }
      }

      /** Gives back the budget and the lane place, once. */
      private void finish() {
        budget.release();
        if (finished.compareAndSet(false, true) && onSmallLane) {
          small.exit();
        }
      }
    }
  }

  /** Closes a refused call: UNAVAILABLE with RetryInfo when retryable, else the refusal's code. */
  static void close(IngestService ingest, ServerCall<?, ?> call, Admission.Refusal r) {
    ingest.refusedRequest(TRANSPORT, r.status());
    closeWithRetry(call, r.status(), r.message(), r.retryAfter());
  }

  private static void closeWithRetry(ServerCall<?, ?> call, IngestStatus status, String message, Duration retry) {
    com.google.rpc.Status.Builder st = com.google.rpc.Status.newBuilder()
        .setCode(status.grpcCode.value())
        .setMessage(message);
    if (status.retryable()) {
      st.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(com.google.protobuf.Duration.newBuilder()
              .setSeconds(retry.getSeconds())
              .setNanos(retry.getNano()))
          .build()));
    }
    StatusRuntimeException e = StatusProto.toStatusRuntimeException(st.build());
    call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
  }
}
