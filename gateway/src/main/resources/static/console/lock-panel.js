// Locks: acquire and release one lock; its holder, fencing token and queue of waiters, refreshed every second.
import { call, get, post } from './api.js';
import { el, every, table } from './dom.js';
import { attempt, log } from './log.js';

let held = null; // {name, owner, fencingToken} of the last grant made here

const form = () => document.getElementById('lock-form');
const path = (name) => `/api/locks/${encodeURIComponent(name)}`;

async function acquire() {
  const f = form();
  const body = { owner: f.owner.value, leaseMs: Number(f.leaseMs.value), waitMs: 10000 };
  log(`acquire ${f.name.value} as ${body.owner}…`);
  await attempt(`acquire ${f.name.value}`, async () => {
    // A person's acquire is always traced (the gateway's sampler may skip some of its own choosing).
    const answer = await call('POST', `${path(f.name.value)}/acquire`, { body, traced: true });
    const g = answer.body;
    held = { name: g.name, owner: g.owner, fencingToken: g.fencingToken };
    const text = `granted ${g.name} to ${g.owner} by ${g.node} (${g.algorithm}, epoch ${g.epoch}): fencing token ${g.fencingToken}, `
      + `waited ${g.waitedMs} ms, ${g.messages.count} messages ${JSON.stringify(g.messages.byType)}`;
    document.getElementById('lock-result').textContent = text;
    log(text, 'info', answer.headers.get('X-Trace-Id'));
  });
  refresh();
}

async function release() {
  const f = form();
  if (!held || held.name !== f.name.value) {
    log(`release: no grant of ${f.name.value} made from this page`, 'error');
    return;
  }
  await attempt(`release ${held.name}`, async () => {
    await post(`${path(held.name)}/release`, { owner: held.owner, fencingToken: held.fencingToken });
    log(`released ${held.name} (token ${held.fencingToken})`);
    held = null;
  });
  refresh();
}

async function refresh() {
  const name = form().name.value;
  const target = document.getElementById('lock-state');
  try {
    const v = await get(path(name));
    target.replaceChildren(
      el('div', {}, `${v.name}: ${v.holder ? `held by ${v.holder} on ${v.holderNode}, token ${v.fencingToken}, lease ends ${new Date(v.leaseExpiresAt).toLocaleTimeString()}` : 'free'} · ${v.algorithm}, epoch ${v.epoch}`),
      v.queue?.length ? el('table', {}) : el('div', { class: 'hint' }, 'nobody waiting'));
    if (v.queue?.length) table(target.lastChild, [['queue', ''], ...v.queue.map((w, i) => [i + 1, JSON.stringify(w)])]);
  } catch (e) {
    target.textContent = e.message;
  }
}

export function start() {
  form().addEventListener('submit', (e) => { e.preventDefault(); acquire(); });
  form().release.addEventListener('click', release);
  every(2000, refresh);
}
