package dev.rosetta.receiver.telemetry;

import dev.rosetta.receiver.config.ValueParsers;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Addresses and durations as a configuration writes them, for log lines and messages: {@code
 * 127.0.0.1:9464} and {@code [::1]:9464} (not {@code /127.0.0.1:9464}), {@code 10s} and {@code
 * 1m30s} (not {@code PT10S}). Stateless.
 */
public final class Formats {
  private Formats() {}

  /** {@code host:port}, IPv6 hosts in brackets; the literal address when it was resolved. */
  public static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress a) {
      String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
      if (host.indexOf(':') >= 0) {
        int zone = host.indexOf('%');
        host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
      }
      return host + ":" + a.getPort();
    }
    return String.valueOf(address);
  }

  /** Go duration syntax, as in the configuration: {@code 200ms}, {@code 10s}, {@code 1m30s}. */
  public static String duration(Duration d) {
    return ValueParsers.formatDuration(d);
  }
}
