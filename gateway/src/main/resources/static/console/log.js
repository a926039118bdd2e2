// The activity list: what the user did and what came back, newest first.
const MAX = 60;

export function log(text, kind = 'info') {
  const list = document.getElementById('log');
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
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
