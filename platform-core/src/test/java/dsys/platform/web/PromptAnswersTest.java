package dsys.platform.web;

import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptAnswersTest {

    /** Records what it was asked to handle. */
    static final class Recorder implements HandlerMethodReturnValueHandler {
        final List<Object> handled = new ArrayList<>();

        @Override
        public boolean supportsReturnType(MethodParameter type) {
            return true;
        }

        @Override
        public void handleReturnValue(Object value, MethodParameter type, ModelAndViewContainer mav, NativeWebRequest r) {
            handled.add(value);
        }
    }

    @RestController
    static class Api {
        public CompletableFuture<String> future() { return null; }
        public String plain() { return null; }
    }

    final Recorder async = new Recorder();
    final Recorder body = new Recorder();
    final Recorder entity = new Recorder();
    final MethodParameter future = returnOf("future");

    static MethodParameter returnOf(String method) {
        try {
            return new MethodParameter(Api.class.getMethod(method), -1);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    PromptAnswers answers(Duration wait) {
        return new PromptAnswers(async, body, entity, wait);
    }

    @Test
    void takesOnlyFuturesOfResponseBodyHandlers() {
        assertThat(answers(Duration.ofMillis(20)).supportsReturnType(future)).isTrue();
        assertThat(answers(Duration.ofMillis(20)).supportsReturnType(returnOf("plain"))).isFalse();
    }

    @Test
    void aCompletedFutureIsAnsweredOnTheRequestThread() throws Exception {
        answers(Duration.ZERO).handleReturnValue(CompletableFuture.completedFuture("granted"), future, null, null);
        assertThat(body.handled).containsExactly("granted");
        assertThat(async.handled).isEmpty();
    }

    @Test
    void aFutureThatCompletesWithinTheWaitIsAnsweredOnTheRequestThread() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread completer = new Thread(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            f.complete("granted");
        });
        completer.start();
        waiting.countDown();
        answers(Duration.ofSeconds(10)).handleReturnValue(f, future, null, null);
        completer.join();
        assertThat(body.handled).containsExactly("granted");
        assertThat(async.handled).isEmpty();
    }

    @Test
    void aSlowFutureGoesAsynchronousEvenIfItCompletesRightAfter() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        answers(Duration.ofMillis(5)).handleReturnValue(f, future, null, null);
        f.complete("late");
        assertThat(async.handled).containsExactly(f);
        assertThat(body.handled).isEmpty();   // an empty answer was written here once: the race this guards
    }

    @Test
    void aZeroWaitSendsAPendingFutureAsynchronous() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        answers(Duration.ZERO).handleReturnValue(f, future, null, null);
        assertThat(async.handled).containsExactly(f);
        assertThat(body.handled).isEmpty();
    }

    @Test
    void aFailedFutureThrowsItsCauseForTheExceptionHandlers() {
        ProblemException p = new ProblemException(409, "not-granted", "Conflict", "no");
        assertThatThrownBy(() -> answers(Duration.ofMillis(20))
                .handleReturnValue(CompletableFuture.failedFuture(p), future, null, null)).isSameAs(p);
        assertThatThrownBy(() -> answers(Duration.ZERO)
                .handleReturnValue(CompletableFuture.failedFuture(p), future, null, null)).isSameAs(p);
        assertThat(body.handled).isEmpty();
        assertThat(async.handled).isEmpty();
    }

    @Test
    void aPromptResponseEntityGoesToTheEntityProcessorOnTheRequestThread() throws Exception {
        ResponseEntity<String> e = ResponseEntity.accepted().body("x");
        answers(Duration.ofMillis(20)).handleReturnValue(CompletableFuture.completedFuture(e), future, null, null);
        assertThat(entity.handled).containsExactly(e);
        assertThat(async.handled).isEmpty();
        assertThat(body.handled).isEmpty();
    }

    @Test
    void withoutAnEntityProcessorAResponseEntityIsLeftToSpring() throws Exception {
        CompletableFuture<ResponseEntity<String>> f = CompletableFuture.completedFuture(ResponseEntity.accepted().body("x"));
        new PromptAnswers(async, body, null, Duration.ofMillis(20)).handleReturnValue(f, future, null, null);
        assertThat(async.handled).containsExactly(f);
        assertThat(body.handled).isEmpty();
    }

    @Test
    void theWaitIsBounded() throws Exception {
        long t0 = System.nanoTime();
        answers(Duration.ofMillis(30)).handleReturnValue(new CompletableFuture<String>(), future, null, null);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(25L, 5_000L);
        assertThat(async.handled).hasSize(1);
    }
}
