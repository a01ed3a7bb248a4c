package dev.rosetta.receiver.config;

/**
 * An extension that authenticates the requests a server receives, named by {@code auth:
 * {authenticator: <id>}} under a receiver protocol or {@code exporters.prometheus}: {@code
 * bearertokenauth} or {@code basicauth}.
 */
public sealed interface AuthenticatorConfig extends ExtensionConfig permits BearerTokenAuthConfig, BasicAuthConfig {}
