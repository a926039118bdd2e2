// Topology: one card per instance, coloured by health; crash, restart and pause buttons (admin) on service nodes.
import { post } from './api.js';
import { algorithmNodes, cluster, onChange, partitionOf, refresh } from './cluster.js';
import { el } from './dom.js';
import { attempt, log } from './log.js';

const PAUSE_MS = 5000;

/** up | down | paused | unreachable: the colour of a card. */
export function stateOf(instance) {
  const f = cluster.faults[instance.node];
  if (instance.health === 'UNREACHABLE') return 'unreachable';
  if (f?.crashed || instance.health !== 'UP') return 'down';
  if (f?.paused) return 'paused';
  return 'up';
}

async function chaos(node, action, body) {
  await attempt(`${action} ${node}`, async () => {
    const answer = await post(`/api/chaos/nodes/${encodeURIComponent(node)}/${action}`, body, { admin: true });
    const mine = answer.nodes[node];
    log(`${action} ${node}: ${mine?.body?.detail ?? JSON.stringify(mine)}`);
  });
  refresh();
}

function card(instance) {
  const state = stateOf(instance);
  const group = partitionOf(instance.node);
  const roles = cluster.roles[instance.node] || [];
  const isServiceNode = !['gateway', 'registry'].includes(instance.service);
  return el('div', { class: `node ${state}`, dataset: { node: instance.node, state }, title: `${instance.service} on port ${instance.port}: ${instance.health}` },
    el('span', { class: 'dot' }),
    el('b', {}, instance.node),
    roles.map((r) => el('span', { class: 'role' }, r)),
    group ? el('span', { class: 'chip-mark', title: `partitioned: reaches only ${group.join(', ')}` },
      `cut off from ${algorithmNodes().filter((n) => !group.includes(n)).join(', ')}`) : '',
    el('span', { class: 'state' }, state),
    isServiceNode ? el('span', { class: 'actions' },
      el('button', { class: 'crash', onclick: () => chaos(instance.node, 'crash') }, 'crash'),
      el('button', { class: 'restart', onclick: () => chaos(instance.node, 'restart') }, 'restart'),
      el('button', { class: 'pause', onclick: () => chaos(instance.node, 'pause', { ms: PAUSE_MS }) }, `pause ${PAUSE_MS / 1000} s`)) : '');
}

const cards = new Map(); // node -> {key, element}: a card is rebuilt only when its own data changed

/** The card of an instance, reused while nothing it shows changed (a redrawn card would swallow a click). */
function cardOf(instance) {
  const key = JSON.stringify([instance, cluster.faults[instance.node], cluster.roles[instance.node],
    partitionOf(instance.node), algorithmNodes()]);
  const known = cards.get(instance.node);
  if (known?.key === key) return known.element;
  const element = card(instance);
  cards.set(instance.node, { key, element });
  return element;
}

function render() {
  const target = document.getElementById('instances');
  const byService = new Map();
  for (const i of cluster.instances) byService.set(i.service, [...(byService.get(i.service) || []), i]);
  target.replaceChildren(
    ...[...byService].map(([service, instances]) => el('div', { class: 'service' },
      el('h3', {}, service), instances.map(cardOf))),
    cluster.error ? el('p', { class: 'error' }, cluster.error) : '');
}

export function start() {
  onChange(render);
}
