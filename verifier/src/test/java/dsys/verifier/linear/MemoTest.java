package dsys.verifier.linear;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The memo stores configurations exactly: a set it holds is found, any other is not. */
class MemoTest {

    @Test
    void findsExactlyTheConfigurationsAddedThroughGrowthAndPages() {
        int n = 300;
        LinearizedSet set = new LinearizedSet(n);
        Memo memo = new Memo(set.words.length);
        Set<String> reference = new HashSet<>();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            int id = rnd.nextInt(n);
            if (set.contains(id)) set.remove(id);
            else set.add(id);
            int state = rnd.nextInt(3);
            String key = Arrays.toString(set.words) + "/" + state;
            assertThat(memo.add(set, state)).as("step %d", i).isEqualTo(reference.add(key));
        }
        assertThat(memo.size()).isEqualTo(reference.size());
    }

    @Test
    void storesOnlyTheWordsPastTheLinearizedPrefix() {
        LinearizedSet set = new LinearizedSet(1000);
        for (int id = 0; id < 700; id++) set.add(id);
        set.add(705);
        assertThat(set.lo()).isEqualTo(10);
        assertThat(set.span()).isEqualTo(2);
        set.remove(3);
        assertThat(set.lo()).isZero();
        assertThat(set.span()).isEqualTo(12);
    }
}
