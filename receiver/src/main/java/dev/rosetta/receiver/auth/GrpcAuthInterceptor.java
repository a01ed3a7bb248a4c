package dev.rosetta.receiver.auth;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Authenticates each gRPC call from its metadata ({@code authorization}, or the authenticator's
 * header) before the call starts: a refused call is closed with UNAUTHENTICATED (UNAVAILABLE when
 * the password checks are saturated) without a message being requested, so its payload is never
 * deframed, decompressed or parsed. The interceptor runs on the call's executor; when a password
 * check runs off that thread, the call starts (or is refused) when the verdict arrives, and the
 * call's events meanwhile are kept and replayed in order.
 */
public final class GrpcAuthInterceptor implements ServerInterceptor {
  private final Authenticator authenticator;
  private final Metadata.Key<String> key;
  private final Consumer<Verdict> refusals;

  /** @param refusals counts a refused call */
  public GrpcAuthInterceptor(Authenticator authenticator, Consumer<Verdict> refusals) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.key = Metadata.Key.of(authenticator.header(), Metadata.ASCII_STRING_MARSHALLER);
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    CompletableFuture<Verdict> verdict = authenticator.authenticate(headers.get(key));
    if (verdict.isDone()) {
      return decide(call, headers, next, verdict.getNow(Verdict.BUSY));
    }
    Deferred<ReqT> deferred = new Deferred<>();
    Context context = Context.current();
    verdict.whenComplete((v, e) -> context.run(
        () -> deferred.start(() -> decide(call, headers, next, v == null ? Verdict.BUSY : v))));
    return deferred;
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> decide(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next, Verdict verdict) {
    if (verdict.accepted()) {
      return next.startCall(call, headers);
    }
    refusals.accept(verdict);
    Status status = verdict == Verdict.BUSY ? Status.UNAVAILABLE : Status.UNAUTHENTICATED;
    call.close(status.withDescription(verdict.message), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /**
   * The listener of a call whose verdict is pending: events wait until {@link #start} hands the
   * call on, then go to the real listener. Every event passes under this object's lock, so the real
   * listener sees them one at a time and in order.
   */
  private static final class Deferred<ReqT> extends ServerCall.Listener<ReqT> {
    private final List<Consumer<ServerCall.Listener<ReqT>>> pending = new ArrayList<>();
    private ServerCall.Listener<ReqT> delegate;

    synchronized void start(java.util.function.Supplier<ServerCall.Listener<ReqT>> starter) {
      delegate = starter.get();
      for (Consumer<ServerCall.Listener<ReqT>> event : pending) {
        event.accept(delegate);
      }
      pending.clear();
    }

    private synchronized void deliver(Consumer<ServerCall.Listener<ReqT>> event) {
      if (delegate == null) {
        pending.add(event);
      } else {
        event.accept(delegate);
      }
    }

    @Override
    public void onMessage(ReqT message) {
      deliver(l -> l.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      deliver(ServerCall.Listener::onHalfClose);
    }

    @Override
    public void onCancel() {
      deliver(ServerCall.Listener::onCancel);
    }

    @Override
    public void onComplete() {
      deliver(ServerCall.Listener::onComplete);
    }

    @Override
    public void onReady() {
      deliver(ServerCall.Listener::onReady);
    }
  }
}
