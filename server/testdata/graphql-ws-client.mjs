// The official graphql-ws client against the server (TestOfficialGraphqlWsClient):
// a query, a validation error, a subscription of two events, and a refused
// connection. Each step prints one JSON line for the Go test to read.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2);
const print = (v) => console.log(JSON.stringify(v));

const run = (client, payload, sink = {}) =>
  new Promise((resolve, reject) => {
    let last;
    client.subscribe(payload, {
      next: (v) => { last = v; sink.next?.(v); },
      error: (e) => (sink.error ? resolve(sink.error(e)) : reject(e)),
      complete: () => resolve(last),
    });
  });

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
});
print({ query: await run(client, { query: '{ viewer { __typename } }' }) });
print({ validationError: await run(client, { query: '{ nope }' }, { error: (e) => e }) });

let events = 0;
await new Promise((resolve, reject) => {
  const dispose = client.subscribe({ query: 'subscription { changes { type } }' }, {
    next: (v) => {
      print({ event: v });
      if (++events === 2) { dispose(); resolve(); }
    },
    error: reject,
    complete: resolve,
  });
  print({ subscribed: true });
});
await client.dispose();

const refused = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: 'Bearer not-a-token' },
  retryAttempts: 0,
});
const closed = await run(refused, { query: '{ __typename }' }, { error: (e) => ({ code: e.code, reason: e.reason }) });
print({ refused: closed });
await refused.dispose();
print({ done: true });
