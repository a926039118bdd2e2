package dsys.core.checkpoint.live;

import dsys.core.message.Message;

/**
 * What the wrapped core's own rules require of a restored state that its checkpoint cannot know: a value (or a
 * recorded channel message) as it is put back. Applied to every storage entry and every redelivered message; the
 * kv store drops transaction locks with it (their transactions' outcomes are not rolled back with the registers).
 */
public interface RestoreFilter {

    RestoreFilter NONE = new RestoreFilter() {
        @Override
        public String state(String key, String value) {
            return value;
        }

        @Override
        public Message message(Message m) {
            return m;
        }
    };

    /** The value to put back for {@code key} (null: leave the key out). */
    String state(String key, String value);

    /** The recorded message to deliver again (null: none). */
    Message message(Message m);
}
