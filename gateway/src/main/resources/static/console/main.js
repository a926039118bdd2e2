// The console: every view is a module with a start(); the cluster module polls what all of them share.
import { setToken, token } from './api.js';
import { refresh, refreshRoles } from './cluster.js';
import { every } from './dom.js';
import { log } from './log.js';
import * as topology from './topology.js';
import * as chaos from './chaos.js';
import * as diagram from './diagram.js';
import * as timePanel from './time-panel.js';
import * as lockPanel from './lock-panel.js';
import * as kvPanel from './kv-panel.js';
import * as txnPanel from './txn-panel.js';
import * as metrics from './metrics.js';
import * as alerts from './alerts.js';
import * as costs from './costs.js';

function tokenForm() {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token');
  const state = document.getElementById('token-state');
  const show = () => { state.textContent = token() ? 'kept for this tab' : 'none: chaos and skew are refused'; };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    input.value = '';
    show();
    log(token() ? 'admin token kept in this tab (sessionStorage)' : 'admin token forgotten');
    refresh();
  });
  show();
}

tokenForm();
for (const view of [topology, chaos, diagram, timePanel, lockPanel, kvPanel, txnPanel, metrics, alerts, costs]) view.start();
every(1000, refresh);
every(5000, refreshRoles);
log('console started');
