// Sparklines: a few PromQL range queries over the last five minutes, one small line chart per series.
import { get } from './api.js';
import { el, every, svg } from './dom.js';

const CHARTS = [
  { title: 'requests/s through the gateway', query: 'sum(rate(spring_cloud_gateway_requests_seconds_count[1m]))' },
  { title: 'algorithm steps/s by service', query: 'sum by (service) (rate(dsys_events_total[1m]))' },
  { title: 'lock messages/s by algorithm', query: 'sum by (algorithm) (rate(dsys_lock_messages_total[1m]))' },
  { title: 'lock grants/s', query: 'sum by (algorithm) (rate(dsys_lock_grants_total[1m]))' },
  { title: 'instances up (scraped)', query: 'sum(up)' },
];
const W = 220, H = 44;

function sparkline(values) {
  const ys = values.map(([, v]) => Number(v)).filter(Number.isFinite);
  const max = Math.max(...ys, 1e-9), min = Math.min(...ys, 0);
  const pts = values.map(([, v], i) => `${(i / Math.max(values.length - 1, 1)) * W},${H - 2 - ((Number(v) - min) / (max - min || 1)) * (H - 4)}`);
  return svg('svg', { width: W, height: H, class: 'spark' }, svg('polyline', { points: pts.join(' ') }));
}

async function draw(chart) {
  const box = el('div', { class: 'sparkbox' }, el('h4', {}, chart.title));
  try {
    const series = (await get(`/api/console/metrics?minutes=5&query=${encodeURIComponent(chart.query)}`)).data.result;
    if (!series.length) box.append(el('div', { class: 'hint' }, 'no data yet'));
    for (const s of series) {
      const label = Object.values(s.metric).join(' ') || 'all';
      const last = Number(s.values.at(-1)?.[1] ?? 0);
      box.append(el('div', { class: 'series' }, sparkline(s.values), el('span', {}, `${label}: ${last.toFixed(2)}`)));
    }
  } catch (e) {
    box.append(el('div', { class: 'error' }, e.message));
  }
  return box;
}

async function refresh(target) {
  // One query at a time: the browser has six connections to the gateway and the other views need them too.
  const boxes = [];
  for (const chart of CHARTS) boxes.push(await draw(chart));
  target.replaceChildren(...boxes);
}

export async function start() {
  const target = document.getElementById('sparklines');
  const status = await get('/api/console/metrics/status').catch((e) => ({ up: false, detail: e.message }));
  if (!status.up) {
    target.replaceChildren(el('p', { class: 'hint' }, `Prometheus at ${status.prometheus ?? ':9090'} is ${status.detail}`));
    return;
  }
  every(15_000, () => refresh(target));
}
