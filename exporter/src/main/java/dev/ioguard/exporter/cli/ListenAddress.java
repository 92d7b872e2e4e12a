package dev.ioguard.exporter.cli;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} as Prometheus exporters take it: {@code :9477} listens on every interface,
 * {@code 127.0.0.1:9477} on one, {@code [::1]:9477} on an IPv6 address. Immutable.
 */
public record ListenAddress(String host, int port) {
    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /** Parses {@code host:port}; the message of the exception is meant for the user. */
    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "listen address '" + text + "' must be host:port, e.g. :9477 or 127.0.0.1:9477");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "listen address '" + text + "': put an IPv6 address in brackets, e.g. [::1]:9477");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "listen address '" + text + "': port '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "listen address '" + text + "': port " + port + " is outside 0..65535");
        }
        return new ListenAddress(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
