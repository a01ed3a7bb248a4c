/**
 * The service's side of semantic views: building the {@link dev.rosetta.model.view.ViewSet} from the
 * {@code views} configuration section. Non-null by default.
 */
package dev.rosetta.receiver.views;
