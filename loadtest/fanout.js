// Subscription fan-out (R28): SUBSCRIBERS graphql-transport-ws connections
// hold a `changes` subscription on the tenant administrator's tenant while
// users are created there (createUser, EVENT_RATE per second); each
// subscriber records the delay from the change's occurredAt (its
// transaction) to the message's arrival. Baseline: one subscriber, same
// events, earlier in the same run.
import ws from 'k6/ws';
import exec from 'k6/execution';
import { Trend, Counter } from 'k6/metrics';
import { fx, gql, duration, seconds, summaryTrendStats, summary } from './lib.js';
import { taxCode } from './taxcode.js';

const singleMs = new Trend('delivery_single_ms', true);
const manyMs = new Trend('delivery_many_ms', true);
const delivered = new Counter('deliveries');
const subscribed = new Counter('subscribed');

const subscribers = parseInt(__ENV.SUBSCRIBERS || '500', 10);
const rate = parseInt(__ENV.EVENT_RATE || '2', 10);
const connectSlack = 10 + Math.ceil(subscribers / 100); // seconds to connect everyone
const manyStart = seconds + 15;

export const options = {
  scenarios: {
    single: { executor: 'per-vu-iterations', exec: 'subscriber', vus: 1, iterations: 1, maxDuration: `${seconds + 30}s`, startTime: '0s' },
    single_events: { executor: 'constant-arrival-rate', exec: 'event', rate, timeUnit: '1s', duration, preAllocatedVUs: 4, startTime: '3s' },
    many: { executor: 'per-vu-iterations', exec: 'subscriber', vus: subscribers, iterations: 1, maxDuration: `${seconds + connectSlack + 30}s`, startTime: `${manyStart}s` },
    many_events: { executor: 'constant-arrival-rate', exec: 'event', rate, timeUnit: '1s', duration, preAllocatedVUs: 4, startTime: `${manyStart + connectSlack}s` },
  },
  summaryTrendStats,
};

const f = fx.fanout; // {token, tenantGid}
const m = fx.mutations;
const createUser = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code message } } }`;
const changes = `subscription($tenantIds: [ID!]) { changes(tenantIds: $tenantIds) { cursor type occurredAt } }`;

export function event() {
  const i = exec.scenario.iterationInTest + (exec.scenario.name === 'many_events' ? 20000 : 0);
  const username = `lt${m.seed}.f${i}`;
  const res = gql(m.token, createUser, { input: {
    tenantId: m.tenantGid, username, taxCode: taxCode((m.seed % 1e9) * 1e5 + 90000 + i), givenName: 'Evento', familyName: 'Prova',
    email: `${username}@example.com`, productId: m.productGid, roleId: m.roleGid,
  } }, 'createUser');
  const out = res.json('data.createUser');
  if (!out.user) {
    throw new Error(`createUser: ${JSON.stringify(out.userErrors)}`);
  }
}

export function subscriber() {
  const single = exec.scenario.name === 'single';
  const trend = single ? singleMs : manyMs;
  // Hold the subscription until the events of this part of the run are over.
  const hold = ((single ? 3 : connectSlack) + seconds + 4) * 1000;
  const url = fx.baseURL.replace(/^http/, 'ws') + '/graphql';
  const res = ws.connect(url, { headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' } }, (socket) => {
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${f.token}` } }));
    });
    socket.on('message', (raw) => {
      const msg = JSON.parse(raw);
      if (msg.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: changes, variables: { tenantIds: [f.tenantGid] } } }));
        subscribed.add(1);
      } else if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next') {
        const ev = msg.payload.data && msg.payload.data.changes;
        if (!ev) {
          throw new Error(`subscription error: ${raw.slice(0, 300)}`);
        }
        // occurredAt has microseconds; Date.parse takes milliseconds.
        const at = Date.parse(ev.occurredAt.replace(/(\.\d{3})\d*/, '$1'));
        trend.add(Date.now() - at);
        delivered.add(1);
      } else if (msg.type === 'error' || msg.type === 'complete') {
        throw new Error(`subscription ended: ${raw.slice(0, 300)}`);
      }
    });
    socket.setTimeout(() => socket.close(), hold);
  });
  if (!res || res.status !== 101) {
    throw new Error(`upgrade: ${res && res.status}`);
  }
}

export const handleSummary = summary;
