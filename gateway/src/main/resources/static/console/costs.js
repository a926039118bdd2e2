// Messages per operation, measured by the services since they started, beside the figures of the notes.
import { get } from './api.js';
import { el, every, table } from './dom.js';

const fmt = (v) => (v == null ? '—' : Number(v).toFixed(2));

async function lockTable() {
  const s = await get('/api/locks/_stats');
  const t = el('table', {});
  table(t, [['algorithm', 'entries', 'messages per entry+exit', 'notes', 'delay before entry (message times)', 'notes', 'problem (notes)'],
    ...s.algorithms.map((r) => [r.algorithm + (r.algorithm === s.currentAlgorithm ? ' (current)' : ''), r.entries,
      fmt(r.messagesPerEntryExit), r.notesForN?.messagesPerEntryExit ?? r.notes?.messagesPerEntryExit ?? '—',
      fmt(r.delayBeforeEntry), r.notesForN?.delayBeforeEntry ?? r.notes?.delayBeforeEntry ?? '—', r.notes?.problem ?? ''])]);
  return el('div', {}, el('h4', {}, `Mutual exclusion (lock-service, n = ${s.n}, ${s.nodesAnswered} nodes counted)`), t,
    s.note ? el('p', { class: 'hint' }, s.note) : '');
}

async function kvTable() {
  const byNode = await get('/api/kv/stats');
  const rows = [['node', 'operation', 'operations', 'messages', 'messages per operation']];
  for (const [node, view] of Object.entries(byNode)) {
    for (const [op, c] of Object.entries(view.operations || {})) {
      rows.push([node, op, c.operations, c.messages, c.operations ? fmt(c.messages / c.operations) : '—']);
    }
  }
  const t = el('table', {});
  table(t, rows);
  return el('div', {}, el('h4', {}, 'Quorum replication (kv-service, N = 3, R = W = 2: a write asks every replica and waits for a majority; a read asks a majority, its own replica first)'), t);
}

async function refresh() {
  const target = document.getElementById('cost-tables');
  const parts = await Promise.all([lockTable(), kvTable()].map((p) => p.catch((e) => el('p', { class: 'error' }, e.message))));
  target.replaceChildren(...parts);
}

export function start() {
  every(10_000, refresh);
}
