// A user's profile with memberships, tenants and roles (node(id:) on a
// User), read by a tenant administrator, for users of their tenant picked
// at random. Baseline: the same reads by hand through pgx
// (bench.Baseline /profile).
import { Trend } from 'k6/metrics';
import { fx, gql, baseline, pick, scenarios, summaryTrendStats, summary } from './lib.js';

const graphqlMs = new Trend('graphql_ms', true);
const baselineMs = new Trend('baseline_ms', true);

export const options = {
  scenarios: scenarios([{ name: 'graphql', exec: 'graphql' }, { name: 'baseline', exec: 'sql' }]),
  summaryTrendStats,
};

const p = fx.profile; // {viewer, token, users: [{id, globalId}]}

export function graphql() {
  const u = pick(p.users);
  const res = gql(p.token, fx.profileQuery, { id: u.globalId }, 'profile');
  if (res.body.indexOf('"username"') < 0) {
    throw new Error(`profile of ${u.id} not visible: ${res.body.slice(0, 200)}`);
  }
  graphqlMs.add(res.timings.duration);
}

export function sql() {
  const u = pick(p.users);
  const res = baseline('GET', `/profile?viewer=${p.viewer}&user=${u.id}`, null, 'profileSQL');
  baselineMs.add(res.timings.duration);
}

export const handleSummary = summary;
