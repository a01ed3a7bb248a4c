/**
 * The network listeners: {@link dev.rosetta.receiver.server.NettyHttpServer} (OTLP/HTTP, the native
 * endpoints and the exposition port) and {@link dev.rosetta.receiver.server.GrpcReceiver}
 * (OTLP/gRPC), with their connection rules, admission at the request head, and the OTLP handlers.
 *
 * <p>Threads: each listener has one accept thread ({@code <listener>-accept-1}) and a few event
 * loops ({@code otlp-http-N}, {@code otlp-grpc-N}, {@code exposition-N}) that do I/O only: reading,
 * writing, TLS, request heads, connection timers, authentication (the handlers placed before
 * admission, which pause a connection's {@link dev.rosetta.receiver.server.ReadGate} while they
 * wait for a verdict) and admission; they never decode a body, run the pipeline or touch the store.
 * A connection's state (its handlers) belongs to its event loop. Bodies are decoded and applied on
 * the ingest threads ({@code rosetta-ingest-N}, {@code rosetta-ingest-large-N}; gRPC's calls and
 * its interceptors run there too), {@code /metrics} on {@code rosetta-exposition-N}; their
 * responses reach the channel through Netty. Non-null by default.
 */
package dev.rosetta.receiver.server;
