package dsys.time.ntp.server;

import dsys.core.clock.PhysicalClock;
import dsys.time.ntp.NtpMode;
import dsys.time.ntp.NtpServerState;

import java.util.Optional;
import java.util.function.Function;

/**
 * Turns one client request into the server's answer (RFC 5905 server mode), serving a node's clock. Pure apart
 * from reading the clock: the socket loop calls it. Only well-formed client-mode packets of versions 1–4 are
 * answered (with the client's version); anything else — short, server/broadcast/control/private modes, version 0
 * or > 4 — is dropped, so the server cannot be used to reflect or amplify traffic.
 */
public final class NtpResponder {

    /** Stratum-1 reference id: 'X' marks an unregistered source (RFC 5905 fig. 12); the source is simulated. */
    public static final long REFERENCE_ID = NtpPacket.asciiId("XSIM");
    /** A node with no upstream serves its own clock in orphan mode, with chrony's local reference id 127.127.1.1. */
    public static final long LOCAL_ID = 0x7F7F0101L;
    /** 2⁻²⁰ s ≈ 1 µs: the clock's resolution is nanoseconds, its reads cost about a microsecond. */
    public static final int PRECISION = -20;

    private final PhysicalClock clock;
    private final NtpServerState state;
    private final Function<String, Long> refIdOfNode;
    private final int orphanStratum;
    private final double rho;

    public NtpResponder(PhysicalClock clock, NtpServerState state, Function<String, Long> refIdOfNode,
                        int orphanStratum, double rho) {
        this.clock = clock;
        this.state = state;
        this.refIdOfNode = refIdOfNode;
        this.orphanStratum = orphanStratum;
        this.rho = rho;
    }

    /** The answer to a datagram that arrived when the clock read {@code receivedAt}, or empty to drop it. */
    public Optional<byte[]> respond(byte[] data, int length, long receivedAt) {
        Optional<NtpPacket> parsed = NtpPacket.parse(data, length);
        if (parsed.isEmpty()) return Optional.empty();
        NtpPacket q = parsed.get();
        if (q.mode() != NtpMode.CLIENT || q.version() < 1 || q.version() > 4) return Optional.empty();
        NtpServerState.Snapshot s = state.get();
        int stratum = s.reference() ? 1 : s.stratum();
        int leap = NtpPacket.LEAP_NONE;
        long refId;
        if (stratum == 1) {
            refId = REFERENCE_ID;
        } else if (stratum < NtpMode.UNSYNCHRONIZED && s.refNode() != null) {
            refId = refIdOfNode.apply(s.refNode());
        } else if (orphanStratum < NtpMode.UNSYNCHRONIZED) {
            stratum = orphanStratum;
            refId = LOCAL_ID;
        } else {
            stratum = NtpMode.UNSYNCHRONIZED;
            leap = NtpPacket.LEAP_UNSYNCHRONIZED;
            refId = NtpPacket.asciiId("INIT");
        }
        long refTime = s.refTimeNanos() == 0 ? receivedAt : s.refTimeNanos();
        long dispersion = s.rootDispersionNanos() + (long) Math.ceil(rho * Math.max(0, receivedAt - refTime));
        if (stratum == 1) dispersion = 0;
        long transmit = clock.nanos();
        NtpPacket a = new NtpPacket(leap, q.version(), NtpMode.SERVER, stratum, q.poll(), PRECISION,
                NtpTimestamp.shortFromNanos(stratum == 1 ? 0 : s.rootDelayNanos()),
                NtpTimestamp.shortFromNanos(dispersion), refId, NtpTimestamp.fromUnixNanos(refTime),
                q.transmitTime(), NtpTimestamp.fromUnixNanos(receivedAt), NtpTimestamp.fromUnixNanos(transmit));
        return Optional.of(a.encode());
    }
}
