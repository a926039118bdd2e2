package dsys.platform.chaos;

import dsys.platform.host.NodeRuntime;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * A crashed node answers nothing but its chaos routes (so it can be restarted) and actuator (so the launcher can
 * see it): clients get a 503 problem, which is what a learner should see when calling a dead node directly.
 */
public class CrashedNodeFilter extends OncePerRequestFilter {

    private final NodeRuntime node;

    public CrashedNodeFilter(NodeRuntime node) {
        this.node = node;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String path = req.getRequestURI();
        if (node.crashed() && !path.startsWith("/api/chaos") && !path.startsWith("/actuator")) {
            String self = node.identity().self().value();
            res.setStatus(503);
            res.setContentType("application/problem+json");
            res.getWriter().write("{\"type\":\"https://dsys.dev/problems/node-crashed\",\"title\":\"Node crashed\",\"status\":503,"
                    + "\"detail\":\"node " + self + " is crashed (fault injection); POST /api/chaos/nodes/" + self + "/restart brings it back\"}");
            return;
        }
        chain.doFilter(req, res);
    }
}
