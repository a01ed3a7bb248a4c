/**
 * Pulling metrics: the {@code prometheus} and {@code jolokia} receivers. A {@link
 * dev.rosetta.receiver.scrape.ScrapeManager} runs one {@link dev.rosetta.receiver.scrape.ScrapePool}
 * per {@code scrape_configs} job; a pool turns discovered target groups into targets (Prometheus
 * target relabeling) and runs one {@link dev.rosetta.receiver.scrape.ScrapeLoop} per target. A loop
 * fetches the target over HTTP ({@link dev.rosetta.receiver.scrape.ScrapeHttpClient}), parses the
 * body ({@link dev.rosetta.receiver.scrape.TextFormatParser}, {@link
 * dev.rosetta.receiver.scrape.ProtobufFormatParser} or the Jolokia decoder), applies the job's
 * {@code metric_relabel_configs} and limits ({@link dev.rosetta.receiver.scrape.ScrapeAssembler}) and
 * hands the batch to the same {@link dev.rosetta.receiver.pipeline.IngestService} the push receivers
 * use, as the target's source so that what it stops exposing leaves the store.
 *
 * <p>Everything here is non-null unless stated otherwise.
 */
package dev.rosetta.receiver.scrape;
