// Chaos: a board of partition groups. Drag node chips between groups (pointer events, so mouse, pen and touch
// work), then partition; heal clears every fault on every node.
import { call, post } from './api.js';
import { algorithmNodes, cluster, onChange, refresh } from './cluster.js';
import { el } from './dom.js';
import { attempt, log } from './log.js';

const GROUPS = ['A', 'B', 'C'];
const groupOf = new Map(); // node -> index into GROUPS; nodes not yet placed are in A

function placeFromFaults() {
  // Show the partition in force, so the board starts from what the nodes actually do.
  for (const node of algorithmNodes()) {
    const groups = cluster.faults[node]?.partitions;
    if (!groups?.length) continue;
    groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, Math.min(i, GROUPS.length - 1))));
    return true;
  }
  return false;
}

function chip(node) {
  const c = el('span', { class: 'chip', dataset: { node }, title: 'drag me into another group' }, node);
  c.addEventListener('pointerdown', (e) => {
    c.setPointerCapture(e.pointerId);
    c.classList.add('dragging');
  });
  c.addEventListener('pointermove', (e) => {
    if (!c.classList.contains('dragging')) return;
    document.querySelectorAll('.group').forEach((g) => g.classList.remove('target'));
    groupAt(e)?.classList.add('target');
  });
  c.addEventListener('pointerup', (e) => {
    c.classList.remove('dragging');
    const target = groupAt(e);
    document.querySelectorAll('.group').forEach((g) => g.classList.remove('target'));
    if (target) {
      groupOf.set(node, Number(target.dataset.group));
      renderBoard();
    }
  });
  return c;
}

function groupAt(e) {
  return document.elementsFromPoint(e.clientX, e.clientY).map((n) => n.closest?.('.group')).find(Boolean);
}

let boardKey = '';

function renderBoard(force = true) {
  const nodes = algorithmNodes();
  const key = JSON.stringify([nodes, [...groupOf]]);
  if (!force && key === boardKey) return;
  boardKey = key;
  document.getElementById('partition-board').replaceChildren(...GROUPS.map((name, i) =>
    el('div', { class: 'group', dataset: { group: i } }, el('h4', {}, `group ${name}`),
      nodes.filter((n) => (groupOf.get(n) ?? 0) === i).map(chip))));
}

function renderFaults() {
  const lines = new Set();
  for (const [node, f] of Object.entries(cluster.faults)) {
    if (f.partitions?.length) lines.add(`partition in force: ${f.partitions.map((g) => `[${g.join(', ')}]`).join(' | ')}`);
    for (const l of f.links || []) lines.add(`link ${l.from} → ${l.to}: ${JSON.stringify(l)}`);
    for (const p of f.crashPoints || []) lines.add(`${node} will crash at ${p}`);
    if (f.crashed) lines.add(`${node} is crashed`);
    if (f.paused) lines.add(`${node} is paused`);
  }
  document.getElementById('faults').replaceChildren(
    ...(lines.size ? [...lines] : ['no faults in force (or no admin token to ask)']).map((t) => el('div', {}, t)));
}

async function partition() {
  const groups = GROUPS.map((_, i) => algorithmNodes().filter((n) => (groupOf.get(n) ?? 0) === i)).filter((g) => g.length);
  if (groups.length < 2) {
    log('partition: drag at least one node into another group first', 'error');
    return;
  }
  await attempt('partition', async () => {
    await post('/api/chaos/partitions', { groups }, { admin: true });
    log(`partitioned: ${groups.map((g) => `[${g.join(', ')}]`).join(' | ')}`);
  });
  refresh();
}

async function heal() {
  await attempt('heal', async () => {
    await call('DELETE', '/api/chaos', { admin: true });
    log('healed: partitions, link faults and crash points cleared; crashed nodes restarted');
  });
  groupOf.clear();
  renderBoard();
  refresh();
}

export function start() {
  let placed = false;
  onChange(() => {
    if (!placed && Object.keys(cluster.faults).length) placed = placeFromFaults() || true;
    renderBoard(false);
    renderFaults();
  });
  document.getElementById('partition-apply').addEventListener('click', partition);
  document.getElementById('partition-reset').addEventListener('click', () => { groupOf.clear(); renderBoard(); });
  document.getElementById('heal').addEventListener('click', heal);
}
