// Key-value: put and get through the gateway with a read level, optionally pinned to one node; "read every
// replica" asks each kv node for the key with read=one (its own copy only), so replicas that diverge under a
// partition show side by side, the stale ones marked.
import { call } from './api.js';
import { nodesOf, onChange } from './cluster.js';
import { el, table } from './dom.js';
import { attempt, log } from './log.js';

const form = () => document.getElementById('kv-form');
const path = (key, read) => `/api/kv/default/${encodeURIComponent(key)}${read ? `?read=${read}` : ''}`;

/** Versions look like "3.kv-2" (counter, then the writer): compare the counter first. */
function newer(a, b) {
  const [ca, wa] = String(a).replaceAll('"', '').split('.'), [cb, wb] = String(b).replaceAll('"', '').split('.');
  return Number(ca) - Number(cb) || String(wa).localeCompare(String(wb));
}

async function put() {
  const f = form();
  await attempt('put', async () => {
    const r = await call('PUT', path(f.key.value), { body: f.value.value, node: f.node.value || undefined });
    const text = `put ${f.key.value}=${f.value.value}${f.node.value ? ` via ${f.node.value}` : ''}: version ${r.body.version}, messages ${JSON.stringify(r.body.messages)}`;
    document.getElementById('kv-result').textContent = text;
    log(text);
  });
}

async function getOne() {
  const f = form();
  await attempt('get', async () => {
    const r = await call('GET', path(f.key.value, f.read.value), { node: f.node.value || undefined, expect: [404] });
    const text = r.status === 404 ? `${f.key.value}: not found (read=${f.read.value})`
      : `${f.key.value} = ${r.body} (ETag ${r.headers.get('ETag')}, read=${f.read.value}${f.node.value ? `, from ${f.node.value}` : ''})`;
    document.getElementById('kv-result').textContent = text;
    log(text);
  });
}

async function replicas() {
  const key = form().key.value;
  const rows = await Promise.all(nodesOf('kv-service').map(async (node) => {
    try {
      const r = await call('GET', path(key, 'one'), { node, expect: [404] });
      return { node, value: r.status === 404 ? '(none)' : r.body, version: r.headers.get('ETag') || '' };
    } catch (e) {
      return { node, value: `(${e.message})`, version: '', failed: true };
    }
  }));
  const answered = rows.filter((r) => !r.failed && r.version);
  const newest = answered.reduce((a, r) => (!a || newer(r.version, a) > 0 ? r.version : a), null);
  const stale = (r) => !r.failed && newest && r.version !== newest;
  table(document.getElementById('kv-replicas'), [['replica', 'value (read=one)', 'version', ''],
    ...rows.map((r) => [r.node, r.value, r.version, r.failed ? 'no answer' : stale(r) ? 'STALE' : 'newest'])]);
  document.querySelectorAll('#kv-replicas tr').forEach((tr, i) => i > 0 && stale(rows[i - 1]) && tr.classList.add('stale'));
  log(`replicas of ${key}: ${rows.map((r) => `${r.node}=${r.value}${stale(r) ? ' (stale)' : ''}`).join(', ')}`);
}

export function start() {
  form().addEventListener('submit', (e) => { e.preventDefault(); put(); });
  form().get.addEventListener('click', getOne);
  form().replicas.addEventListener('click', () => attempt('read replicas', replicas));
  onChange(() => {
    const nodes = nodesOf('kv-service');
    const select = form().node;
    if (select.options.length !== nodes.length + 1) {
      select.replaceChildren(el('option', { value: '' }, 'any node'), ...nodes.map((n) => el('option', {}, n)));
    }
  });
}
