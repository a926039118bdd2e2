// The space-time diagram: one horizontal line per node, time to the right. An arrow is a message from its send to
// its receive (both from the nodes' message journals, merged by the gateway); a dot is an algorithm step (the
// event stream). Hover shows Lamport and vector time. A hollow dot is a step of a traced request (the event carries
// its traceId): a click opens the trace in Zipkin. Pause freezes the picture; the slider then scrubs back.
import { get } from './api.js';
import { algorithmNodes } from './cluster.js';
import { el, every, svg } from './dom.js';
import { log } from './log.js';
import { traceUrl } from './trace.js';

const KEEP_MS = 5 * 60_000;    // how far back one can scrub
const LOST_AFTER_MS = 2000;    // a send without a receive for this long is drawn as lost
const LANE = 28, LEFT = 70, TOP = 22, RIGHT = 12;

const messages = new Map();    // msgId -> {id, type, from, to, send?, receive?}  (send/receive: journal lines)
const steps = [];              // algorithm events, oldest first
let cursor = '';
let paused = false;
let frozenAt = 0;              // newest time when paused

const ms = (entry) => entry.time / 1e6;  // journal times are nanoseconds

function hue(type) {
  let h = 0;
  for (const c of type) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 360;
}

async function poll() {
  try {
    const answer = await get(`/api/console/messages?after=${encodeURIComponent(cursor)}&limit=1000`);
    cursor = answer.after;
    for (const e of answer.entries) {
      const m = messages.get(e.msgId) || { id: e.msgId, type: e.type };
      if (e.event === 'send') { m.send = e; m.from = e.node; m.to = e.peer; } else { m.receive = e; m.from = e.peer; m.to = e.node; }
      messages.set(e.msgId, m);
    }
  } catch (e) {
    // The gateway is down or restarting: the next poll tries again; the topology shows why.
  }
  forget();
}

function forget() {
  const oldest = Date.now() - KEEP_MS;
  for (const [id, m] of messages) if (ms(m.send || m.receive) < oldest) messages.delete(id);
  while (steps.length && steps[0].trueTimeMs < oldest) steps.shift();
}

function listen() {
  const source = new EventSource('/api/events/stream');
  source.addEventListener('event', (e) => steps.push(JSON.parse(e.data)));
  source.onerror = () => {
    // EventSource reconnects by itself; say so once so a missing Kafka is not a mystery.
    if (!listen.warned) log('event stream interrupted (Kafka down?); reconnecting', 'error');
    listen.warned = true;
  };
}

function newest() {
  let t = 0;
  for (const m of messages.values()) t = Math.max(t, ms(m.receive || m.send));
  for (const s of steps) t = Math.max(t, s.trueTimeMs);
  return t || Date.now();
}

function oldest() {
  let t = Infinity;
  for (const m of messages.values()) t = Math.min(t, ms(m.send || m.receive));
  return Number.isFinite(t) ? t : Date.now();
}

/** The window's end: now while live; when paused, where the slider points between the oldest and frozenAt. */
function windowEnd(width) {
  if (!paused) return Date.now();
  const scrub = Number(document.getElementById('diagram-scrub').value) / 1000;
  const from = Math.min(oldest() + width, frozenAt);
  return from + (frozenAt - from) * scrub;
}

const clocks = (e) => `Lamport ${e.lamport}, vector ${JSON.stringify(e.vector)}`;

/**
 * Where each point goes along the x axis. "time": true time (the nodes' host clock, in ms, so a fast message is
 * nearly vertical). "order": one slot per send, receive or step, in (time, Lamport) order, which keeps every send
 * left of its receive (equal milliseconds are ordered by Lamport time, which a receive always exceeds) and spreads
 * out what happened within the same millisecond.
 */
function axis(mode, points, start, width, plot) {
  if (mode === 'time') return (p) => LEFT + ((p.t - start) / width) * plot;
  const sorted = [...points].sort((a, b) => a.t - b.t || a.lamport - b.lamport);
  const slot = new Map(sorted.map((p, i) => [p, i]));
  return (p) => LEFT + ((slot.get(p) + 0.5) / Math.max(sorted.length, 1)) * plot;
}

function render() {
  const el = document.getElementById('diagram-svg');
  const width = Number(document.getElementById('diagram-window').value);
  const mode = document.getElementById('diagram-axis').value;
  const filter = document.getElementById('diagram-filter').value.trim().toLowerCase();
  const hideBeats = document.getElementById('diagram-beats').checked;
  const end = windowEnd(width), start = end - width;
  const seen = new Set([...messages.values()].flatMap((m) => [m.from, m.to]).concat(steps.map((s) => s.node)));
  const lanes = [...new Set([...algorithmNodes(), ...seen])].filter(Boolean).sort();
  const w = el.clientWidth || 900, h = TOP + lanes.length * LANE + 8, plot = w - LEFT - RIGHT;
  const y = (node) => TOP + lanes.indexOf(node) * LANE + LANE / 2;
  const shown = (text) => (!filter || text.toLowerCase().includes(filter)) && !(hideBeats && /heartbeat/i.test(text));
  const detail = (text, trace) => () => {
    const target = document.getElementById('diagram-detail');
    target.replaceChildren(text);
    if (trace) target.append('\n', el('a', { href: trace, target: '_blank', rel: 'noopener' }, 'its trace in Zipkin'));
  };

  // What is in view: messages (a send point and a receive point, or a lost send) and steps.
  const arrows = [], dots = [];
  for (const m of messages.values()) {
    const sent = m.send ? ms(m.send) : null, got = m.receive ? ms(m.receive) : null;
    const t0 = sent ?? got, t1 = got ?? sent;
    if (t1 < start || t0 > end || !shown(m.type) || !lanes.includes(m.from) || !lanes.includes(m.to)) continue;
    const lost = sent != null && got == null && end - sent > LOST_AFTER_MS;
    if (sent != null && got == null && !lost) continue; // in flight: drawn once it lands (or is lost)
    arrows.push({ m, lost, sent, from: m.send && { t: sent, lamport: m.send.lamport }, to: m.receive && { t: got, lamport: m.receive.lamport } });
  }
  for (const s of steps) {
    if (s.trueTimeMs < start || s.trueTimeMs > end || !shown(s.kind) || !lanes.includes(s.node)) continue;
    dots.push({ s, at: { t: s.trueTimeMs, lamport: s.lamport } });
  }
  const x = axis(mode, [...arrows.flatMap((a) => [a.from, a.to]), ...dots.map((d) => d.at)].filter(Boolean), start, width, plot);

  const parts = [svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: 'context-stroke' })))];
  if (mode === 'time') {
    for (let i = 0; i <= 5; i++) {
      const t = start + (width * i) / 5, tx = x({ t });
      parts.push(svg('line', { class: 'tick', x1: tx, x2: tx, y1: TOP - 6, y2: h }),
        svg('text', { class: 'tick-label', x: tx, y: 12 }, `${((t - end) / 1000).toFixed(1)} s`));
    }
  } else {
    parts.push(svg('text', { class: 'tick-label', x: LEFT, y: 12 }, 'earlier → later (order of sends, receives and steps; hover for Lamport and vector time)'));
  }
  for (const node of lanes) {
    parts.push(svg('line', { class: 'lane', x1: LEFT, x2: w - RIGHT, y1: y(node), y2: y(node) }),
      svg('text', { class: 'lane-label', x: 4, y: y(node) + 4 }, node));
  }
  const labelled = arrows.length <= 40; // a label per arrow while they still fit
  for (const { m, lost, sent, from, to } of arrows) {
    const x1 = from ? x(from) : LEFT, y1 = y(m.from);
    const x2 = to ? x(to) : x1 + 24, y2 = to ? y(m.to) : y1 + (y(m.to) - y1) * 0.4;
    const text = `${m.type} ${m.from} → ${m.to} (${m.id})`
      + (m.send ? `\nsend: ${clocks(m.send)}` : '') + (m.receive ? `\nreceive: ${clocks(m.receive)}` : '\nnever received (lost, partitioned or crashed)');
    const colour = `hsl(${hue(m.type)} 65% 42%)`;
    const line = svg('line', { class: lost ? 'msg lost' : 'msg', x1, y1, x2, y2, stroke: colour,
      'marker-end': lost ? '' : 'url(#arrow)', dataset: { type: m.type, from: m.from, to: m.to, sent: sent ?? '' } }, svg('title', {}, text));
    line.addEventListener('mouseenter', detail(text));
    parts.push(line);
    if (labelled) parts.push(svg('text', { class: 'msg-label', x: (x1 + x2) / 2 + 3, y: (y1 + y2) / 2, fill: colour }, m.type));
  }
  for (const { s, at } of dots) {
    const trace = traceUrl(s.traceId);
    const text = `${s.kind} on ${s.node}: ${clocks(s)}\n${JSON.stringify(s.fields)}` + (trace ? `\ntrace ${s.traceId} (click: Zipkin)` : '');
    const dot = svg('circle', { class: trace ? 'step traced' : 'step', cx: x(at), cy: y(s.node), r: 3.5, dataset: { kind: s.kind } }, svg('title', {}, text));
    dot.addEventListener('mouseenter', detail(text, trace));
    // A step in a sampled trace opens it: the request through the gateway and every node's part in it.
    parts.push(trace ? svg('a', { href: trace, target: '_blank', rel: 'noopener', class: 'trace-link' }, dot) : dot);
  }
  el.setAttribute('height', h);
  el.replaceChildren(...parts);
  document.getElementById('diagram-count').textContent = `${arrows.length} messages, ${dots.length} steps in view`;
}

export function start() {
  const pause = document.getElementById('diagram-pause');
  const scrub = document.getElementById('diagram-scrub');
  pause.addEventListener('click', () => {
    paused = !paused;
    frozenAt = Date.now();
    pause.textContent = paused ? 'resume' : 'pause';
    scrub.disabled = !paused;
    scrub.value = 1000;
    render();
  });
  scrub.addEventListener('input', render);
  document.getElementById('diagram-window').addEventListener('change', render);
  document.getElementById('diagram-axis').addEventListener('change', render);
  document.getElementById('diagram-filter').addEventListener('input', render);
  listen();
  document.getElementById('diagram-beats').addEventListener('change', render);
  every(700, poll);
  setInterval(() => { if (!paused) render(); }, 500);
}
