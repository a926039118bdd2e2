package dsys.time.ntp.server;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The 48-byte NTP header (RFC 5905 §7.3), as raw field values. Extension fields and MACs after the header are
 * ignored: this server does not authenticate.
 */
public record NtpPacket(int leap, int version, int mode, int stratum, int poll, int precision, long rootDelay,
                        long rootDispersion, long referenceId, long referenceTime, long originTime, long receiveTime,
                        long transmitTime) {

    public static final int LENGTH = 48;
    public static final int LEAP_NONE = 0;
    public static final int LEAP_UNSYNCHRONIZED = 3;

    /** Empty when the datagram is too short to be an NTP header. */
    public static Optional<NtpPacket> parse(byte[] data, int length) {
        if (data == null || length < LENGTH || data.length < LENGTH) return Optional.empty();
        ByteBuffer b = ByteBuffer.wrap(data, 0, LENGTH);
        int first = b.get() & 0xFF;
        int stratum = b.get() & 0xFF;
        int poll = b.get();
        int precision = b.get();
        return Optional.of(new NtpPacket(first >>> 6, (first >>> 3) & 0x7, first & 0x7, stratum, poll, precision,
                b.getInt() & 0xFFFF_FFFFL, b.getInt() & 0xFFFF_FFFFL, b.getInt() & 0xFFFF_FFFFL,
                b.getLong(), b.getLong(), b.getLong(), b.getLong()));
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) ((leap & 0x3) << 6 | (version & 0x7) << 3 | (mode & 0x7)));
        b.put((byte) stratum);
        b.put((byte) poll);
        b.put((byte) precision);
        b.putInt((int) rootDelay);
        b.putInt((int) rootDispersion);
        b.putInt((int) referenceId);
        b.putLong(referenceTime);
        b.putLong(originTime);
        b.putLong(receiveTime);
        b.putLong(transmitTime);
        return b.array();
    }

    /** A four-character ASCII reference id (stratum 1 sources, kiss codes), left-justified and zero-padded. */
    public static long asciiId(String s) {
        long v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | (i < s.length() ? (s.charAt(i) & 0x7F) : 0);
        return v;
    }

    public static long ipv4Id(byte[] address) {
        long v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | (address[i] & 0xFF);
        return v;
    }
}
