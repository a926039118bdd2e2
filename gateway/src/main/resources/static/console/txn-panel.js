// Transactions: a transfer between two accounts as one POST /api/txn (two adds) under 2PC or 3PC, optionally with a
// crash point armed on txn-1 first; then GET /api/txn/{id}: the coordinator's state and log, and each participant's
// state, logged record and the keys it still holds (a participant blocked in READY shows its locks here).
import { call, post } from './api.js';
import { table } from './dom.js';
import { attempt, log } from './log.js';

const form = () => document.getElementById('txn-form');
let last = null;

async function transfer() {
  const f = form();
  const amount = Number(f.amount.value);
  await attempt('transfer', async () => {
    if (f.crash.value) {
      await post('/api/chaos/crash-points', { node: 'txn-1', point: f.crash.value }, { admin: true });
      log(`txn-1 will crash at ${f.crash.value}`);
    }
    const r = await call('POST', '/api/txn', {
      body: { protocol: f.protocol.value, operations: [
        { key: f.from.value, op: 'add', value: String(-amount) }, { key: f.to.value, op: 'add', value: String(amount) }] },
      expect: [409, 412, 503, 504],
    });
    const b = r.body;
    const text = r.status === 200
      ? `${b.txnId}: ${b.outcome}${b.reason ? ` (${b.reason})` : ''} at ${b.participants.join(', ')}`
      : `no outcome (${r.status}): ${b.detail || b}`;
    document.getElementById('txn-result').textContent = text;
    log(`${f.protocol.value} transfer ${f.from.value} → ${f.to.value} ${amount}: ${text}`);
    if (b.txnId) last = b.txnId;
    else last = await lockedBy(f.from.value); // the coordinator crashed: the participants still know the transaction
    if (last) await inspect();
  });
}

/** The transaction holding the account's lock, from the 409 a linearizable read answers, or null. */
async function lockedBy(account) {
  const r = await call('GET', `/api/kv/default/${encodeURIComponent(account)}`, { expect: [404, 409] });
  return r.status === 409 ? (r.body.detail?.match(/locked by transaction (\S+)/) || [])[1] || null : null;
}

async function inspect() {
  if (!last) return;
  await attempt('inspect', async () => {
    const r = await call('GET', `/api/txn/${encodeURIComponent(last)}`, { expect: [404, 503] });
    const target = document.getElementById('txn-participants');
    if (r.status !== 200) {
      document.getElementById('txn-log').textContent = `${last}: ${r.body.detail || r.status} (the coordinator is down or `
        + 'never saw it; the participants keep their locks until they learn the outcome)';
      table(target, [['participant', 'state']]);
      return;
    }
    const v = r.body;
    table(target, [['participant', 'state', 'logged record', 'holds'],
      ...Object.entries(v.participantStates || {}).map(([node, p]) =>
        [node, p?.state ?? 'no answer', p?.record ?? '', (p?.locked || []).join(', ')])]);
    document.getElementById('txn-log').textContent = `${v.txn}: coordinator ${v.state} (${v.protocol})`
      + `${v.reason ? `, ${v.reason}` : ''}\nvote-commit from ${v.votedCommit.join(', ') || 'none'}; `
      + `acknowledged by ${v.acknowledged.join(', ') || 'none'}\n${(v.log || []).join('\n')}`;
  });
}

async function open() {
  const f = form();
  await attempt('open accounts', async () => {
    for (const a of [f.from.value, f.to.value]) await call('PUT', `/api/kv/default/${encodeURIComponent(a)}`, { body: '100' });
    document.getElementById('txn-result').textContent = `${f.from.value} and ${f.to.value} hold 100 each`;
    log(`opened ${f.from.value} and ${f.to.value} with 100`);
  });
}

export function start() {
  form().addEventListener('submit', (e) => { e.preventDefault(); transfer(); });
  form().open.addEventListener('click', open);
  form().inspect.addEventListener('click', inspect);
}
