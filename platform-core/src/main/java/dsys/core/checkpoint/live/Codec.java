package dsys.core.checkpoint.live;

/**
 * Turns the values a checkpoint keeps on stable storage (recorded channel messages, metadata, the initiator's
 * catalogue) into strings and back. Cores may not touch a JSON library: the live host gives a JSON codec, the
 * simulator's tests one of their own.
 */
public interface Codec {

    String encode(Object value);

    Object decode(String text);
}
