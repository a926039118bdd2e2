package dsys.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Errors Tomcat answers itself, before a request reaches the application (a malformed request line, headers over
 * {@code server.max-http-request-header-size}): problem+json like every other error instead of Tomcat's HTML page,
 * and headers that are too large get 431 (RFC 6585), not Tomcat's 400. Errors of the application never get here
 * with nothing written: Spring answers them.
 */
public class ProblemErrorValve extends ErrorReportValve {

    private static final ObjectMapper JSON = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();
    /* Tomcat says so only in its (localised) message; compared in the same locale it was written in. */
    private static final String HEADERS_TOO_LARGE =
            StringManager.getManager("org.apache.coyote.http11").getString("iib.requestheadertoolarge.error");

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        String detail = "the request could not be read as HTTP";
        if (status == 400 && throwable instanceof IllegalArgumentException && HEADERS_TOO_LARGE.equals(throwable.getMessage())) {
            status = 431;
            detail = "the request's headers are larger than this server accepts (server.max-http-request-header-size)";
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        try {
            response.setStatus(status);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            Writer out = response.getReporter();
            if (out != null) {
                out.write(JSON.writeValueAsString(Problems.of(status, title.toLowerCase(Locale.ROOT).replace(' ', '-'), title, detail)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is going away anyway
        }
    }
}
