/**
 * Command-line tools of the service jar ({@code java -jar rosetta.jar COMMAND ...}).
 *
 * <p>Each command is a class with a {@code run(String[] args, InputStream in, PrintStream out,
 * PrintStream err)} method returning the exit code, so that it can be tested with in-memory streams
 * and dispatched from {@code main}. Non-null by default.
 */
package dev.rosetta.receiver.cli;
