// Small DOM helpers: every text from the services goes through textContent, never innerHTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A table from rows of cells; the first row is the header. */
export function table(target, rows) {
  target.replaceChildren(...rows.map((cells, i) =>
    el('tr', {}, cells.map((c) => el(i === 0 ? 'th' : 'td', {}, c)))));
}

/** Runs fn now and again ms after each run has finished: a slow answer never piles up requests behind it. */
export function every(ms, fn) {
  const run = async () => {
    try { await fn(); } finally { setTimeout(run, ms); }
  };
  run();
}
