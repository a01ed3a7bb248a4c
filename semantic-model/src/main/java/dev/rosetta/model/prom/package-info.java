/**
 * The Prometheus data model, protocol-free: a metric family as the exposition formats carry it
 * ({@link dev.rosetta.model.prom.PromFamily}: name, type, help, unit and samples), and its
 * conversion to the model's {@link dev.rosetta.model.Metric} named as an OpenTelemetry Collector's
 * {@code prometheus} receiver names it ({@link dev.rosetta.model.prom.PromFamilies}). A scrape hands
 * families over here; the views then recognise the names (client_golang's Go names included) as they
 * do for any other transport. Parsing the text formats happens at the edges of the service, not here.
 *
 * <p>Every type here is immutable and thread-safe, and non-null by default.
 */
package dev.rosetta.model.prom;
