package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;

import java.nio.charset.StandardCharsets;

/**
 * How a replica lays out its items in {@link dsys.core.env.Durable}: {@code <prefix>i/<hex key>} for values and
 * active death certificates, {@code <prefix>d/<hex key>} for dormant ones. Hex keeps any key out of the storage
 * key's syntax and keeps key order. A stored update is {@code time F node F (=value | -)}, the value last.
 */
final class UpdateCodec {

    private static final char F = '\u001f';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String items;
    private final String dormant;

    UpdateCodec(String prefix) {
        this.items = prefix + "i/";
        this.dormant = prefix + "d/";
    }

    String itemsPrefix() {
        return items;
    }

    String dormantPrefix() {
        return dormant;
    }

    String itemKey(String key) {
        return items + hex(key);
    }

    String dormantKey(String key) {
        return dormant + hex(key);
    }

    static String encode(Update u) {
        return u.version().time() + "" + F + u.version().node() + F + (u.value() == null ? "-" : "=" + u.value());
    }

    static Update decode(String storageKey, String prefix, String stored) {
        String[] p = stored.split(String.valueOf(F), 3);
        if (p.length != 3) throw new IllegalStateException("corrupt epidemic item under " + storageKey);
        String key = unhex(storageKey.substring(prefix.length()));
        return new Update(key, new LamportStamp(Long.parseLong(p[0]), p[1]), p[2].equals("-") ? null : p[2].substring(1));
    }

    static String hex(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    static String unhex(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }
}
