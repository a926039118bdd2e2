package dsys.core.checkpoint;

/**
 * A local checkpoint of coordinated checkpointing on stable storage: the round it belongs to (0: the initial
 * state) and the process state. One line: {@code round#state}.
 */
record CoordinatedCheckpoint(long round, ProcessState state) {

    String encode() {
        return round + "#" + state.encode();
    }

    static CoordinatedCheckpoint decode(String line) {
        int hash = line.indexOf('#');
        return new CoordinatedCheckpoint(Long.parseLong(line.substring(0, hash)), ProcessState.decode(line.substring(hash + 1)));
    }
}
