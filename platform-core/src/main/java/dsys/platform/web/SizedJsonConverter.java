package dsys.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.lang.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * JSON bodies with a Content-Length. Jackson's converter flushes while it writes, which commits the response as
 * chunked: the body and the closing chunk then leave in two writes, and the gateway wakes up for each. Serialized
 * into a buffer first, a response leaves in one write with its headers. Streams (server-sent events) keep their
 * own framing: their headers are gone before any event, so the length is not set there.
 */
public class SizedJsonConverter extends MappingJackson2HttpMessageConverter {

    public SizedJsonConverter(ObjectMapper json) {
        super(json);
    }

    @Override
    protected void writeInternal(Object object, @Nullable Type type, HttpOutputMessage out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(512);
        super.writeInternal(object, type, new HttpOutputMessage() {
            @Override
            public OutputStream getBody() {
                return body;
            }

            @Override
            public HttpHeaders getHeaders() {
                return out.getHeaders();
            }
        });
        try {
            out.getHeaders().setContentLength(body.size());
        } catch (UnsupportedOperationException headersAlreadySent) {
            // a streaming response: nothing to size
        }
        body.writeTo(out.getBody());
    }
}
