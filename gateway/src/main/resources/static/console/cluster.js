// What the console knows about the cluster, refreshed every second: the instances in Eureka with their health
// (/api/console/topology) and, with the admin token, the faults in force on each node (/api/chaos).
import { get, token } from './api.js';

const listeners = [];
export const cluster = {
  instances: [],   // [{service, node, port, health}]
  faults: {},      // node -> {crashed, paused, partitions, links, crashPoints}
  roles: {},       // node -> ['leader', ...]
  error: null,
};

export const onChange = (fn) => listeners.push(fn);
const changed = () => listeners.forEach((fn) => fn(cluster));

/** Nodes of one service (time-service, lock-service, kv-service...), sorted. */
export const nodesOf = (service) => cluster.instances.filter((i) => i.service === service).map((i) => i.node);

/** Nodes that run algorithms (everything but the gateway and the registry). */
export const algorithmNodes = () =>
  cluster.instances.filter((i) => !['gateway', 'registry'].includes(i.service)).map((i) => i.node);

export async function refresh() {
  try {
    cluster.instances = (await get('/api/console/topology')).instances;
    cluster.error = null;
  } catch (e) {
    cluster.error = e.message;
  }
  if (token()) {
    try {
      const nodes = (await get('/api/chaos', { admin: true })).nodes;
      cluster.faults = Object.fromEntries(Object.entries(nodes)
        .filter(([, a]) => a.status === 200).map(([n, a]) => [n, a.body]));
    } catch (e) {
      cluster.faults = {};
      cluster.error = `faults unknown: ${e.message}`;
    }
  }
  changed();
}

/** Roles that the services report; asked less often than health (an election answer does not change by itself). */
export async function refreshRoles() {
  const roles = {};
  const add = (node, role) => { if (node) (roles[node] ||= []).push(role); };
  try {
    const leader = await get('/api/coordination/leader');
    add(leader.leader, 'leader');
  } catch { /* no election held yet, or lock-service down: no leader to show */ }
  try {
    const status = await get('/api/locks/_status');
    add(status.coordinator, 'coordinator');
  } catch { /* lock-service down */ }
  try {
    // replication roles as one kv node sees them: chain head/tail, primary-backup primary
    for (const k of (await get('/api/kv/keyspaces')).keyspaces || []) {
      const r = k.roles;
      if (!r) continue;
      add(r.primary, `${k.name} primary`);
      add(r.head, `${k.name} head`);
      add(r.tail, `${k.name} tail`);
    }
  } catch { /* kv-service down */ }
  cluster.roles = roles;
  changed();
}

/** The groups a node can still talk to, when a partition is in force: null when it reaches everyone. */
export function partitionOf(node) {
  const groups = cluster.faults[node]?.partitions;
  if (!groups || groups.length === 0) return null;
  return groups.find((g) => g.includes(node)) || [node];
}
