// The activity list: what the user did and what came back, newest first; a traced answer links to its trace.
import { traceUrl } from './trace.js';

const MAX = 60;

/** {@code traceId}: the trace of the request this line reports (the gateway's X-Trace-Id), if it was traced. */
export function log(text, kind = 'info', traceId = null) {
  const list = document.getElementById('log');
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  const trace = traceUrl(traceId);
  if (trace) {
    const link = document.createElement('a');
    Object.assign(link, { href: trace, target: '_blank', rel: 'noopener', textContent: 'trace' });
    item.append('  ', link);
  }
  list.prepend(item);
  while (list.children.length > MAX) list.lastChild.remove();
}

/** Runs an action, logging its outcome; an error is shown, not thrown. */
export async function attempt(what, action) {
  try {
    const result = await action();
    return result;
  } catch (e) {
    log(`${what}: ${e.message}`, 'error');
    return undefined;
  }
}
