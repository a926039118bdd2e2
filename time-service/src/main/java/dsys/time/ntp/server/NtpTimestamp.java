package dsys.time.ntp.server;

/**
 * NTP's on-wire time formats (RFC 5905 §6): the 64-bit timestamp (seconds since 1900 in the high 32 bits, binary
 * fraction in the low 32) and the 32-bit short format (16.16 seconds) of root delay and dispersion.
 */
public final class NtpTimestamp {

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
    public static final long UNIX_OFFSET_SECONDS = 2_208_988_800L;
    private static final long NANOS = 1_000_000_000L;

    private NtpTimestamp() {
    }

    /** Unix nanoseconds → NTP timestamp (era 0 wraps in 2036: the seconds field is taken modulo 2³²). */
    public static long fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS);
        long nanos = Math.floorMod(unixNanos, NANOS);
        long fraction = (nanos << 32) / NANOS;
        return ((seconds + UNIX_OFFSET_SECONDS) << 32) | (fraction & 0xFFFF_FFFFL);
    }

    /** NTP timestamp → Unix nanoseconds, assuming era 0 (1900–2036). */
    public static long toUnixNanos(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_OFFSET_SECONDS;
        long fraction = ntp & 0xFFFF_FFFFL;
        return seconds * NANOS + ((fraction * NANOS + (1L << 31)) >>> 32);
    }

    /** Nanoseconds → NTP short format (16.16 seconds), saturating at its largest value. */
    public static long shortFromNanos(long nanos) {
        if (nanos <= 0) return 0;
        long v = (long) Math.ceil(nanos * 65536.0 / NANOS);
        return Math.min(v, 0xFFFF_FFFFL);
    }

    public static long shortToNanos(long shortFormat) {
        return Math.round((shortFormat & 0xFFFF_FFFFL) * (double) NANOS / 65536.0);
    }
}
