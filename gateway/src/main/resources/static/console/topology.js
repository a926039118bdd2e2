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

let shown = '';

function render() {
  // Only when something changed: a card replaced every second would swallow clicks on its buttons.
  const key = JSON.stringify([cluster.instances, cluster.faults, cluster.roles, cluster.error]);
  if (key === shown) return;
  shown = key;
  const target = document.getElementById('instances');
  const byService = Map.groupBy ? Map.groupBy(cluster.instances, (i) => i.service)
    : cluster.instances.reduce((m, i) => m.set(i.service, [...(m.get(i.service) || []), i]), new Map());
  target.replaceChildren(
    ...[...byService].map(([service, instances]) => el('div', { class: 'service' },
      el('h3', {}, service), instances.map(card))),
    cluster.error ? el('p', { class: 'error' }, cluster.error) : '');
}

export function start() {
  onChange(render);
}
