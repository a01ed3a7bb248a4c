/**
 * Command line tools that run without starting the service, such as {@code rosetta explain}. Each
 * command takes its streams and environment as arguments, so tests run it in-process. Non-null by
 * default.
 */
package dev.rosetta.receiver.cli;
