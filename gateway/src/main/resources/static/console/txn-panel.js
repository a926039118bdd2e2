// Transactions: txn-coordinator is a shell today; show which node would coordinate and its clocks.
import { get } from './api.js';

export async function start() {
  const target = document.getElementById('txn-node');
  try {
    target.textContent = JSON.stringify(await get('/api/txn/node'), null, 1);
  } catch (e) {
    target.textContent = e.message;
  }
}
