package dsys.txn.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documented choice: CRC-32 of UTF-8 "keyspace/key" modulo the list (values checked with Python's zlib.crc32). */
class ParticipantChoiceTest {

    private final ParticipantChoice choice = new ParticipantChoice(List.of("kv-1", "kv-2", "kv-3"));

    @ParameterizedTest(name = "{0}/{1} → {2}")
    @CsvSource({
            "default, a, kv-1",     // crc32 1875919314 % 3 = 0
            "default, b, kv-2",     // 4141420648 % 3 = 1
            "default, d, kv-3",     // 532329821 % 3 = 2
            "default, alice, kv-2", // 3314214280 % 3 = 1
            "default, bob, kv-3",   // 2962449137 % 3 = 2
            "default, dave, kv-1",  // 613125681 % 3 = 0
            "default, é, kv-3",     // UTF-8 bytes: 2307606803 % 3 = 2
            "bank, x, kv-2"})       // 2199205021 % 3 = 1
    void crc32OfKeyspaceSlashKeyModuloTheList(String keyspace, String key, String node) {
        assertThat(choice.of(keyspace, key)).isEqualTo(node);
        assertThat(new ParticipantChoice(List.of("kv-1", "kv-2", "kv-3")).of(keyspace, key)).as("stable").isEqualTo(node);
    }

    @Test
    void theKeyspaceIsPartOfTheChoice() {
        assertThat(choice.of("default", "a")).isEqualTo("kv-1");
        assertThat(choice.of("other", "a")).isNotEqualTo(choice.of("default", "a")).isEqualTo("kv-3"); // "other/a": 2856796805 % 3 = 2
    }

    @Test
    void theListOrderIsTheIndex() {
        ParticipantChoice reversed = new ParticipantChoice(List.of("kv-3", "kv-2", "kv-1"));
        assertThat(reversed.of("default", "a")).isEqualTo("kv-3"); // index 0
        assertThat(new ParticipantChoice(List.of("kv-9")).of("default", "anything")).isEqualTo("kv-9");
    }

    @Test
    void keysSpreadOverEveryParticipant() {
        var counts = IntStream.range(0, 3000).mapToObj(i -> choice.of("default", "k" + i))
                .collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.stream.Collectors.counting()));
        assertThat(counts).containsOnlyKeys("kv-1", "kv-2", "kv-3");
        counts.values().forEach(n -> assertThat(n).isBetween(850L, 1150L));
    }

    @Test
    void refusesListsTheCoreCannotLog() {
        assertThatThrownBy(() -> new ParticipantChoice(List.of())).hasMessageContaining("names no node");
        assertThatThrownBy(() -> new ParticipantChoice(List.of("kv-1", "kv-1"))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new ParticipantChoice(List.of("kv|1"))).hasMessageContaining("not a node id");
    }

    /** A silent participant is passed over for a while: its keys go to the next node that is not suspected. */
    @Test
    void aSilentParticipantsKeysGoToTheNextNodeUntilTheSuspicionEnds() {
        long[] now = {0};
        ParticipantChoice c = new ParticipantChoice(List.of("kv-1", "kv-2", "kv-3"), () -> now[0]);
        String key = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "k" + i)
                .filter(k -> c.of("default", k).equals("kv-3")).findFirst().orElseThrow();
        c.silent(List.of("kv-3"));
        assertThat(c.of("default", key)).isEqualTo("kv-1");
        assertThat(c.home("default", key)).isEqualTo("kv-3");
        c.silent(List.of("kv-1"));
        assertThat(c.of("default", key)).isEqualTo("kv-2");
        now[0] += 1;
        c.silent(List.of("kv-2"));
        assertThat(c.of("default", key)).as("all suspected: the one suspected longest ago").isEqualTo("kv-3");
        now[0] += 1;
        c.silent(List.of("kv-3"));
        assertThat(c.of("default", key)).as("kv-3 silent again: kv-1's suspicion ends first").isEqualTo("kv-1");
        now[0] += ParticipantChoice.SUSPICION.toNanos();
        assertThat(c.of("default", key)).as("the suspicion has ended").isEqualTo("kv-3");
        c.silent(List.of("not-a-participant"));
        assertThat(c.of("default", key)).isEqualTo("kv-3");
    }
}
