// Shared by the load tests: the fixtures the harness wrote (tokens, ids,
// GraphQL variables), GraphQL over HTTP, and the options every script uses.
import http from 'k6/http';
import { check, fail } from 'k6';

export const fx = JSON.parse(open(__ENV.FIXTURES));

// DURATION is how long each measured scenario runs; the baseline scenario
// runs after the GraphQL one, for as long, with as many virtual users.
export const duration = __ENV.DURATION || '20s';
export const vus = parseInt(__ENV.VUS || '4', 10);
export const seconds = parseInt(duration, 10);

// Sequential scenarios: exec is the function, start the offset in seconds.
export function scenarios(list) {
  const out = {};
  let start = 0;
  for (const s of list) {
    out[s.name] = {
      executor: 'constant-vus', exec: s.exec, vus: s.vus || vus, duration,
      startTime: `${start}s`, gracefulStop: '10s', tags: { measured: s.name },
    };
    start += seconds + 12;
  }
  return out;
}

export const summaryTrendStats = ['med', 'p(95)', 'p(99)', 'count'];

export function gql(token, query, variables, name) {
  const res = http.post(`${fx.baseURL}/graphql`, JSON.stringify({ query, variables }), {
    headers: { 'Content-Type': 'application/json', Authorization: token ? `Bearer ${token}` : '' },
    tags: { name },
  });
  const ok = check(res, {
    'status 200': (r) => r.status === 200,
    'no errors': (r) => r.body && r.body.indexOf('"errors":') < 0,
  });
  if (!ok) {
    fail(`${name}: ${res.status} ${String(res.body).slice(0, 300)}`);
  }
  return res;
}

export function baseline(method, path, body, name) {
  const res = method === 'GET'
    ? http.get(`${fx.baselineURL}${path}`, { tags: { name } })
    : http.post(`${fx.baselineURL}${path}`, body || '', { tags: { name } });
  if (!check(res, { 'status 200': (r) => r.status === 200 })) {
    fail(`${name}: ${res.status} ${String(res.body).slice(0, 300)}`);
  }
  return res;
}

export function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

// summary writes k6's end-of-test data as JSON for the harness.
export function summary(data) {
  return { [__ENV.SUMMARY]: JSON.stringify(data), stdout: '' };
}
