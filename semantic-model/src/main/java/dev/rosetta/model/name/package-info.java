/**
 * The three grammars of raw metric names and their parsers: Go runtime paths ({@link
 * dev.rosetta.model.name.GoPath}), JVM paths ({@link dev.rosetta.model.name.JvmPath}, built on a
 * JMX {@link dev.rosetta.model.name.ObjectName}) and dotted names ({@link
 * dev.rosetta.model.name.DottedName}). {@link dev.rosetta.model.name.MetricName#parse(String)}
 * classifies a name and parses it.
 *
 * <p>Parsers never throw for bad input: they return a {@link dev.rosetta.model.name.ParseResult}
 * holding either the parsed name or a {@link dev.rosetta.model.name.NameError} with the position
 * and the reason. Every type here is immutable and thread-safe, and non-null by default: arguments
 * must not be {@code null} and results are never {@code null}.
 */
package dev.rosetta.model.name;
