package dev.rosetta.receiver.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host and port to listen on or connect to.
 *
 * <p>{@code host} is a name, an IPv4 address or an IPv6 address without brackets; the empty host
 * means all interfaces and is stored as {@code 0.0.0.0}. {@code port} is 0 to 65535, where 0 asks
 * the operating system for a free port (tests use it).
 */
public record Endpoint(String host, int port) {
  /** The phrase that ends every endpoint error. */
  static final String EXPECTED = "expected host:port, e.g. 127.0.0.1:4317, [::1]:4317 or :4317";

  /** What an empty host means: all IPv4 (and, on dual-stack systems, IPv6) interfaces. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?");
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      host = ALL_INTERFACES;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port} or {@code :port} (all interfaces).
   *
   * @throws IllegalArgumentException with a message saying what is wrong and what is expected
   */
  public static Endpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty; " + EXPECTED);
    }
    if (text.contains("://")) {
      throw new IllegalArgumentException("a URL is not allowed here; " + EXPECTED);
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']' after the IPv6 address; " + EXPECTED);
      }
      host = text.substring(1, close);
      if (!IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("\"" + host + "\" is not an IPv6 address; " + EXPECTED);
      }
      String rest = text.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("missing port after ']'; " + EXPECTED);
      }
      port = rest.substring(1);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("missing port; " + EXPECTED);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "an IPv6 address must be written in brackets, e.g. [::1]:4317; " + EXPECTED);
      }
      if (!host.isEmpty() && !HOST_NAME.matcher(host).matches()) {
        throw new IllegalArgumentException(
            "\"" + host + "\" is not a valid host name or address; " + EXPECTED);
      }
    }
    if (port.isEmpty()) {
      throw new IllegalArgumentException("missing port; " + EXPECTED);
    }
    if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(
          "port \"" + port + "\" is not a number between 0 and 65535");
    }
    return new Endpoint(host, Integer.parseInt(port));
  }

  /**
   * The socket address, resolving the host name now (an unresolvable name gives an unresolved
   * address, which a bind or connect then reports).
   */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with IPv6 hosts in brackets: parses back to an equal endpoint. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
