package dsys.verifier.clock;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClockCheckerTest {

    @Test
    void offsetsWithinTheBoundAfterConvergence() {
        List<ClockSample> samples = List.of(
                new ClockSample("t1", 0, 40), new ClockSample("t1", 100, 101), new ClockSample("t1", 200, 199),
                new ClockSample("t2", 100, 100), new ClockSample("t2", 200, 201));
        assertThat(ClockChecker.check(samples, 1, 100).isValid()).as("offset 40 at 0 is before convergence").isTrue();
        assertThat(ClockChecker.check(samples, 1, 0).violations()).singleElement().asString().contains("t1 at 0: offset 40");
    }

    @Test
    void clockThatJumpsBackIsReportedEvenWithinTheBound() {
        List<ClockSample> samples = List.of(new ClockSample("t1", 100, 105), new ClockSample("t1", 101, 100));
        assertThat(ClockChecker.check(samples, 10, 0).violations()).containsExactly("t1 ran backwards by 5 between 100 and 101");
    }

    @Test
    void skewBetweenNodesSampledTogether() {
        List<ClockSample> samples = List.of(new ClockSample("a", 10, 500), new ClockSample("b", 10, 502),
                new ClockSample("a", 20, 510), new ClockSample("b", 20, 515));
        assertThat(ClockChecker.checkSkew(samples, 3, 0).violations()).containsExactly("at 20: b and a differ by 5, more than 3");
        assertThat(ClockChecker.checkSkew(samples, 5, 0).isValid()).isTrue();
    }
}
