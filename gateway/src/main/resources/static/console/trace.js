// Links to Zipkin, which `./platform up` runs beside the gateway on loopback: an event emitted in a sampled trace
// carries its id (traceId), and so does a traced answer of the gateway (X-Trace-Id); the trace shows the request
// through the gateway and the step of every node it reached, messages between nodes included.
export const ZIPKIN = 'http://127.0.0.1:9411/zipkin';
const ID = /^[0-9a-f]{16,32}$/;

/** Zipkin's page of a trace, or null for a missing or malformed id. */
export const traceUrl = (id) => (typeof id === 'string' && ID.test(id) ? `${ZIPKIN}/traces/${id}` : null);
