package dsys.time.ntp;

import dsys.time.core.RoundMessage;

/**
 * An NTP packet between nodes (RFC 5905 header fields in nanoseconds of the sender's clock): origin = the
 * transmit time of the packet this one answers, receive = when that one arrived, transmit = when this one left.
 * {@code refNode} is the sender's system peer (the reference id), {@code remaining} counts the packets still to
 * come in a symmetric exchange.
 */
public record NtpMessage(String round, int mode, long org, long rec, long xmt, int stratum, String refNode,
                         long rootDelay, long rootDispersion, long refTime, int remaining) implements RoundMessage {

    @Override
    public String type() {
        return "Ntp" + NtpMode.name(mode);
    }
}
