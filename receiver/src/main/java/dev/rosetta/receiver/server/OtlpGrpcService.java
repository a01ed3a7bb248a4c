package dev.rosetta.receiver.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import dev.rosetta.receiver.pipeline.IngestService;
import dev.rosetta.receiver.pipeline.IngestStatus;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;

/**
 * {@code opentelemetry.proto.collector.metrics.v1.MetricsService/Export}. The request is taken as
 * bytes and parsed here, so that a malformed payload is answered INVALID_ARGUMENT (the OTLP status)
 * rather than the INTERNAL grpc-java gives for an unparseable message. Overload is answered
 * UNAVAILABLE with a {@code google.rpc.RetryInfo}.
 */
public final class OtlpGrpcService {
  private OtlpGrpcService() {}

  public static ServerServiceDefinition definition(IngestService ingest) {
    MethodDescriptor<byte[], ExportMetricsServiceResponse> export = MetricsServiceGrpc.getExportMethod()
        .toBuilder(ByteArrayMarshaller.INSTANCE, ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
        .build();
    return ServerServiceDefinition.builder(MetricsServiceGrpc.SERVICE_NAME)
        .addMethod(export, ServerCalls.asyncUnaryCall((bytes, observer) -> export(ingest, bytes, observer)))
        .build();
  }

  private static void export(IngestService ingest, byte[] bytes, StreamObserver<ExportMetricsServiceResponse> obs) {
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      ingest.refusedRequest("grpc", IngestStatus.MALFORMED);
      obs.onError(io.grpc.Status.INVALID_ARGUMENT
          .withDescription("invalid OTLP protobuf: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    IngestService.Outcome outcome = ingest.ingest(request, "grpc");
    if (outcome.status() == IngestStatus.OVERLOADED) {
      com.google.rpc.Status st = com.google.rpc.Status.newBuilder()
          .setCode(outcome.status().grpcCode.value())
          .setMessage(outcome.message())
          .addDetails(Any.pack(RetryInfo.newBuilder()
              .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                  .setSeconds(outcome.retryAfter().getSeconds())
                  .setNanos(outcome.retryAfter().getNano()))
              .build()))
          .build();
      obs.onError(StatusProto.toStatusRuntimeException(st));
      return;
    }
    obs.onNext(outcome.response());
    obs.onCompleted();
  }
}
