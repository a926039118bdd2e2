package dsys.time.ntp.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NtpPacketTest {

    @Test
    void timestampsRoundTripToTheNanosecondScale() {
        long unix = 1_795_000_000_123_456_789L; // 2026
        long ntp = NtpTimestamp.fromUnixNanos(unix);
        assertThat(ntp >>> 32).isEqualTo(1_795_000_000L + NtpTimestamp.UNIX_OFFSET_SECONDS);
        assertThat(NtpTimestamp.toUnixNanos(ntp)).isBetween(unix - 1, unix + 1); // 2⁻³² s ≈ 0.23 ns
    }

    @Test
    void shortFormatIsSixteenDotSixteenSeconds() {
        assertThat(NtpTimestamp.shortFromNanos(1_000_000_000L)).isEqualTo(0x0001_0000L);
        assertThat(NtpTimestamp.shortFromNanos(500_000_000L)).isEqualTo(0x0000_8000L);
        assertThat(NtpTimestamp.shortFromNanos(-5)).isZero();
        assertThat(NtpTimestamp.shortToNanos(0x0000_8000L)).isEqualTo(500_000_000L);
    }

    @Test
    void headerEncodesAndParsesEveryField() {
        NtpPacket p = new NtpPacket(3, 4, 4, 2, 6, -20, 0x0000_1234L, 0x0000_5678L, 0x7F00_0001L,
                0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L, 0x9999_AAAA_BBBB_CCCCL, 0xDDDD_EEEE_FFFF_0000L);
        byte[] b = p.encode();
        assertThat(b).hasSize(48);
        assertThat(b[0] & 0xFF).isEqualTo(0b11_100_100);
        assertThat(NtpPacket.parse(b, 48)).contains(p);
    }

    @Test
    void shortDatagramsAreNotPackets() {
        assertThat(NtpPacket.parse(new byte[47], 47)).isEmpty();
        assertThat(NtpPacket.parse(new byte[48], 20)).isEmpty();
        assertThat(NtpPacket.parse(null, 0)).isEmpty();
    }

    @Test
    void asciiReferenceIdsAreLeftJustified() {
        assertThat(NtpPacket.asciiId("GPS")).isEqualTo(0x4750_5300L);
        assertThat(NtpPacket.ipv4Id(new byte[]{127, 0, 0, 1})).isEqualTo(0x7F00_0001L);
    }
}
