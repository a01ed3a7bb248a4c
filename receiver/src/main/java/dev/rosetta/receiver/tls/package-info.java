/**
 * TLS for the listening ports: PEM certificates and keys, a key manager and a client trust manager
 * that follow their files when they change, the guard that refuses clients not speaking TLS, and
 * {@link dev.rosetta.receiver.tls.ServerTls}, which puts them together per listener.
 *
 * <p>Threads: TLS handshakes run on Netty event loops (the HTTP listeners and grpc-java's transport)
 * and reach the key and trust managers, which only read volatile references; {@code
 * rosetta-file-watch-1} re-reads the files and swaps the references.
 */
package dev.rosetta.receiver.tls;
