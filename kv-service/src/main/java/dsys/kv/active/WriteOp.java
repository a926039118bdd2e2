package dsys.kv.active;

import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.StorageCodec;

/**
 * A write as it travels in the total order: the operation's id (unique; a repeat of the same id is applied once), the
 * key, put or delete, If-Match, the value. Encoded as one payload string: the key in hex and the value last, so
 * either may hold anything.
 */
record WriteOp(String op, String key, boolean delete, Ballot ifMatch, String value) {

    private static final char F = '\u001f';

    String encode() {
        return op + F + StorageCodec.hex(key) + F + (delete ? "d" : "p") + F + (ifMatch == null ? "" : ifMatch.toString())
                + F + (value == null ? "" : value);
    }

    static WriteOp decode(String s) {
        String[] f = s.split(String.valueOf(F), 5);
        boolean delete = f[2].equals("d");
        return new WriteOp(f[0], StorageCodec.unhex(f[1]), delete, f[3].isEmpty() ? null : Ballot.parse(f[3]),
                delete ? null : f[4]);
    }
}
