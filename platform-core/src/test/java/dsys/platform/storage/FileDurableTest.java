package dsys.platform.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class FileDurableTest {

    @Test
    void whatWasPutSurvivesReopening(@TempDir Path dir) throws Exception {
        try (FileDurable d = new FileDurable(dir)) {
            d.put("lock/a/token", "7");
            d.put("lock/b/token", "3");
            d.put("other", "x");
            d.remove("other");
        }
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("lock/a/token")).contains("7");
            assertThat(d.get("other")).isEmpty();
            assertThat(d.scan("lock/")).containsOnlyKeys("lock/a/token", "lock/b/token");
        }
    }

    @Test
    void aTornLastLineIsIgnored(@TempDir Path dir) throws Exception {
        try (FileDurable d = new FileDurable(dir)) {
            d.put("k", "1");
        }
        Files.writeString(dir.resolve("durable.log"), "{\"k\":\"k\",\"v\":\"2\"}\n{\"k\":\"k\",\"v", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("k")).contains("2");
        }
    }

    @Test
    void compactionKeepsTheLogSmall(@TempDir Path dir) throws Exception {
        try (FileDurable d = new FileDurable(dir)) {
            for (int i = 0; i < 5000; i++) d.put("counter", Integer.toString(i));
        }
        assertThat(Files.readAllLines(dir.resolve("durable.log")).size()).isLessThan(1100);
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("counter")).contains("4999");
        }
    }
}
