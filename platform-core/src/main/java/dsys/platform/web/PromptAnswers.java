package dsys.platform.web;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers a {@code CompletableFuture} returned by a {@code @ResponseBody} handler on the request thread when it
 * completes within {@code wait}; only a slower one goes asynchronous. Spring MVC otherwise makes every future
 * asynchronous, and the async dispatch runs the filter chain, the handler lookup and the interceptors a second
 * time: on the lock nodes, whose acquire usually completes after one message round trip, that was ~9 % of their
 * CPU per acquire+release (lock-service/README.md, "Measured"). The wait is short and bounded, so a request that
 * waits long (a contended lock) holds a thread for at most {@code wait} and then frees it as before.
 */
public final class PromptAnswers implements HandlerMethodReturnValueHandler {

    private static final Object NOT_YET = new Object();

    private final HandlerMethodReturnValueHandler async;
    private final HandlerMethodReturnValueHandler body;
    private final HandlerMethodReturnValueHandler entity;
    private final long waitNanos;
    // Spring asks on every call and the body handler scans annotations to answer (~1.5 % of a kv node's CPU).
    private final Map<Handler, Boolean> supported = new ConcurrentHashMap<>();

    private record Handler(Class<?> bean, Method method) {
    }

    /**
     * {@code async}: what handled futures before (all of Spring's handlers); {@code body}: the one for
     * {@code @ResponseBody} values; {@code entity}: the one for {@code ResponseEntity} values (null: those go
     * asynchronous).
     */
    public PromptAnswers(HandlerMethodReturnValueHandler async, HandlerMethodReturnValueHandler body,
                         HandlerMethodReturnValueHandler entity, Duration wait) {
        this.async = async;
        this.body = body;
        this.entity = entity;
        this.waitNanos = wait.toNanos();
    }

    @Override
    public boolean supportsReturnType(MethodParameter type) {
        if (!CompletableFuture.class.isAssignableFrom(type.getParameterType())) return false;
        if (type.getMethod() == null) return body.supportsReturnType(type);
        return supported.computeIfAbsent(new Handler(type.getContainingClass(), type.getMethod()), h -> body.supportsReturnType(type));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handleReturnValue(Object value, MethodParameter type, ModelAndViewContainer mav, NativeWebRequest request)
            throws Exception {
        if (value instanceof CompletableFuture<?> f) {
            Object result;
            try {
                if (waitNanos > 0 && !f.isDone()) awaitQuietly(f, waitNanos);
                // not done: asynchronous, even if it completes this very moment (its value is not here)
                result = ((CompletableFuture<Object>) f).getNow(NOT_YET);
            } catch (CompletionException failed) {
                throw failed.getCause() instanceof Exception e ? e : failed;   // to the exception handlers
            }
            if (result != NOT_YET && !(result instanceof HttpEntity<?>)) {
                body.handleReturnValue(result, type, mav, request);
                return;
            }
            // A ResponseEntity (kv's reads and writes: ETag, content type, status) is written by Spring's entity
            // processor, as the async dispatch would (the declared type is the future's, so the converters go by
            // the body's own class, as they do for bodies above).
            if (result != NOT_YET && entity != null) {
                entity.handleReturnValue(result, new FutureValue(type, result), mav, request);
                return;
            }
        }
        async.handleReturnValue(value, type, mav, request);
    }

    /**
     * Waits up to {@code nanos} for {@code f}, without {@code get(timeout)}: its {@code TimeoutException} filled in a
     * stack trace for every answer slower than the wait (3.7 % of txn-1's CPU under 64 clients, where nearly every
     * transaction outlasts the default 20 ms).
     */
    private static void awaitQuietly(CompletableFuture<?> f, long nanos) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        f.whenComplete((v, t) -> done.countDown());
        done.await(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The handler's return type seen as its future's value type, as Spring's async dispatch presents it: the entity
     * processor reads the declared body type from it when the entity has no body (a 304), and asserts it is an
     * {@code HttpEntity}.
     */
    static final class FutureValue extends MethodParameter {
        private final ResolvableType valueType;
        private final Class<?> valueClass;

        FutureValue(MethodParameter future, Object value) {
            super(future);
            this.valueType = ResolvableType.forMethodParameter(future).getGeneric();
            this.valueClass = value.getClass();
        }

        private FutureValue(FutureValue original) {
            super(original);
            this.valueType = original.valueType;
            this.valueClass = original.valueClass;
        }

        @Override
        public Class<?> getParameterType() {
            return valueClass;
        }

        @Override
        public Type getGenericParameterType() {
            return valueType == ResolvableType.NONE ? super.getGenericParameterType() : valueType.getType();
        }

        @Override
        public FutureValue clone() {
            return new FutureValue(this);
        }
    }
}
