package dsys.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * The largest request body a service takes ({@code dsys.web.max-body}). A declared Content-Length over it is a 413
 * problem before anything is read (Tomcat then closes the connection rather than drain it); a chunked body is
 * counted as it is read and fails at the limit ({@link PayloadTooLargeException}, a 413 through
 * {@link ProblemHandler}). A handler that never reads its body answers as usual and Tomcat discards the rest.
 * {@code exempt}: the peers' message route, which limits each batch itself (its streams are long-lived).
 */
public class MaxBodyFilter extends OncePerRequestFilter {

    private final long limit;
    private final ObjectMapper json;
    private final String exempt;

    public MaxBodyFilter(long limit, ObjectMapper json, String exempt) {
        this.limit = limit;
        this.json = json;
        this.exempt = exempt;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest req) {
        return req.getRequestURI().equals(exempt);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        long declared = req.getContentLengthLong();
        if (declared > limit) {
            Problems.tooLarge(res, json, PayloadTooLargeException.over(limit));
            return;
        }
        // Tomcat stops a body at its declared length: only a chunked one (no length) needs counting.
        boolean chunked = declared < 0 && req.getHeader("Transfer-Encoding") != null;
        chain.doFilter(chunked ? new LimitedBody(req, limit) : req, res);
    }
}
