// Sign-in (login mutation, bearer token) with the right password, as many
// virtual users as cores. Baseline: one raw argon2id hash with the same
// parameters (bench.Baseline /argon2), which is what a sign-in must cost
// at least. Rate limits are off in the harness's server.
import { Trend } from 'k6/metrics';
import { fx, gql, baseline, scenarios, summaryTrendStats, summary } from './lib.js';

const graphqlMs = new Trend('graphql_ms', true);
const baselineMs = new Trend('baseline_ms', true);

export const options = {
  scenarios: scenarios([{ name: 'graphql', exec: 'graphql' }, { name: 'baseline', exec: 'hash' }]),
  summaryTrendStats,
};

const login = `mutation($input: LoginInput!) { login(input: $input) { token userErrors { code } } }`;

export function graphql() {
  const res = gql('', login, { input: { username: fx.login.username, password: fx.login.password, tokenKind: 'BEARER' } }, 'login');
  const out = res.json('data.login');
  if (!out.token) {
    throw new Error(`login: ${JSON.stringify(out.userErrors)}`);
  }
  graphqlMs.add(res.timings.duration);
}

export function hash() {
  const res = baseline('POST', '/argon2', fx.login.password, 'argon2');
  baselineMs.add(res.timings.duration);
}

export const handleSummary = summary;
