// Clocks: each time node's offset from true time (a bar per node), refreshed every second, so after a skew and a
// sync one watches the offsets shrink: the sync slews clocks (never steps them back), so they converge gradually.
import { call, get, post } from './api.js';
import { nodesOf, onChange } from './cluster.js';
import { el, every, table } from './dom.js';
import { attempt, log } from './log.js';

const fmt = (v, digits = 1) => (v == null ? '—' : Number(v).toFixed(digits));

function bar(offsetMs) {
  const scale = 1000; // ms for a full half-bar
  const w = Math.min(50, (Math.abs(offsetMs ?? 0) / scale) * 50);
  return el('span', { class: 'bar' }, el('span', { class: offsetMs < 0 ? 'neg' : 'pos',
    style: `width:${w}%;${offsetMs < 0 ? `right:50%` : 'left:50%'}` }));
}

async function refreshNodes() {
  try {
    const nodes = await get('/api/time/nodes');
    table(document.getElementById('time-nodes'), [['node', 'offset ms', '', 'slewing ms', 'drift ppm', 'stratum', 'Lamport'],
      ...nodes.map((n) => n.reachable
        ? [n.node, fmt(n.offsetMs), bar(n.offsetMs), fmt(n.pendingSlewMs), fmt(n.driftPpm), n.stratum ?? '—', n.lamport ?? '—']
        : [n.node, 'unreachable', '', '', '', '', ''])]);
  } catch (e) {
    table(document.getElementById('time-nodes'), [['time-service'], [e.message]]);
  }
}

async function skew(form) {
  const node = form.node.value, offsetMs = Number(form.offsetMs.value);
  await attempt(`skew ${node}`, async () => {
    await call('PUT', `/api/time/nodes/${encodeURIComponent(node)}/clock`, { body: { offsetMs }, admin: true });
    log(`${node}'s clock set ${offsetMs} ms off true time`);
  });
  refreshNodes();
}

async function sync(form) {
  const algorithm = form.algorithm.value;
  await attempt(`sync (${algorithm})`, async () => {
    const r = await post('/api/time/sync', { algorithm });
    const text = `${r.algorithm}${r.coordinator ? ` (coordinator ${r.coordinator})` : ''}: max skew ${fmt(r.before.maxSkewMs)} → ${fmt(r.after.maxSkewMs)} ms; `
      + `${r.messages.count} messages (notes: ${r.messages.expected}, ${r.messages.expectedRule}); ${fmt(r.durationMs)} ms`;
    document.getElementById('time-result').textContent = text;
    log(`sync ${text}`);
  });
  refreshNodes();
}

export function start() {
  const skewForm = document.getElementById('time-skew');
  skewForm.addEventListener('submit', (e) => { e.preventDefault(); skew(skewForm); });
  const syncForm = document.getElementById('time-sync');
  syncForm.addEventListener('submit', (e) => { e.preventDefault(); sync(syncForm); });
  onChange(() => {
    const nodes = nodesOf('time-service');
    const select = skewForm.node;
    if (select.options.length !== nodes.length) select.replaceChildren(...nodes.map((n) => el('option', {}, n)));
  });
  every(2000, refreshNodes);
}
