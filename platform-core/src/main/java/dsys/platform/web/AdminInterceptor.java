package dsys.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Refuses {@link AdminOnly} routes without the admin bearer token; with no token configured, refuses them all. */
public class AdminInterceptor implements HandlerInterceptor {

    private final byte[] token;
    // Looking the annotations up took ~2 % of a kv node's CPU under load (Spring scans them on every call); routes are fixed.
    private final Map<Route, Boolean> adminRoutes = new ConcurrentHashMap<>();

    private record Route(Class<?> bean, Method method) {
    }

    public AdminInterceptor(String token) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod hm)) return true;
        boolean admin = adminRoutes.computeIfAbsent(new Route(hm.getBeanType(), hm.getMethod()),
                r -> hm.hasMethodAnnotation(AdminOnly.class) || r.bean().isAnnotationPresent(AdminOnly.class));
        if (!admin) return true;
        String header = request.getHeader("Authorization");
        if (token == null) {
            throw new UnauthorizedException("admin routes are disabled: no admin token is configured (DSYS_ADMIN_TOKEN)");
        }
        if (header == null || !header.startsWith("Bearer ")) {
            throw new UnauthorizedException("this route needs 'Authorization: Bearer <admin token>' (the token is in DSYS_ADMIN_TOKEN; ./platform token prints it)");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) throw new UnauthorizedException("the admin token is wrong");
        return true;
    }

    /** Carries 401 to the problem handler, which adds WWW-Authenticate. */
    public static class UnauthorizedException extends ProblemException {
        public UnauthorizedException(String detail) {
            super(401, "unauthorized", "Unauthorized", detail);
        }
    }
}
