// Alerts: what Alertmanager says is firing now (the gateway reads its API), refreshed every few seconds, with a
// badge in the header so a firing alert is seen from anywhere on the page.
import { get } from './api.js';
import { every, table } from './dom.js';

const REFRESH_MS = 5000;

/** "3 min 5 s ago" from an RFC 3339 instant. */
function ago(since) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  if (!Number.isFinite(s)) return '';
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s ago` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min ago`;
}

function render(answer) {
  const alerts = answer.alerts || [];
  const badge = document.getElementById('alerts-badge');
  badge.textContent = !answer.up ? '' : alerts.length ? `${alerts.length} alert${alerts.length > 1 ? 's' : ''} firing` : 'no alert firing';
  badge.className = `badge ${alerts.length ? 'firing' : 'quiet'}`;
  document.getElementById('alerts-state').textContent = !answer.up
    ? `Alertmanager at ${answer.alertmanager ?? ':9094'} is ${answer.detail}`
    : alerts.length ? `${alerts.length} firing (silenced and inhibited alerts are left out)` : 'nothing firing';
  const rows = alerts.map((a) => [a.name ?? '—', a.severity ?? '—',
    [a.service, a.node ?? a.instance].filter(Boolean).join(' / ') || '—',
    a.since ? `${new Date(a.since).toLocaleTimeString()} (${ago(a.since)})` : '—', a.summary ?? '']);
  const target = document.getElementById('alerts-table');
  table(target, alerts.length ? [['alert', 'severity', 'service / instance', 'since', 'summary'], ...rows] : []);
  target.querySelectorAll('tr').forEach((tr, i) => i > 0 && tr.classList.add(`severity-${alerts[i - 1].severity}`));
}

async function refresh() {
  // The endpoint answers 200 also without Alertmanager ({up: false}); a failure here is the gateway's own.
  const answer = await get('/api/console/alerts').catch((e) => ({ up: false, detail: e.message, alerts: [] }));
  render(answer);
}

export function start() {
  every(REFRESH_MS, refresh);
}
