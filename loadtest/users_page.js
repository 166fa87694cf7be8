// Users page of 50 with memberships, tenants and roles (R21): each
// iteration picks a viewer (tenant, organisation and platform
// administrator) and a filter (none, search, category, role, status,
// combined) at random. Baseline: the same SQL by hand through pgx
// (bench.Baseline /users-page), same viewers and filters.
import { Trend } from 'k6/metrics';
import { fx, gql, baseline, pick, scenarios, summaryTrendStats, summary } from './lib.js';

const graphqlMs = new Trend('graphql_ms', true);
const baselineMs = new Trend('baseline_ms', true);

export const options = {
  scenarios: scenarios([{ name: 'graphql', exec: 'graphql' }, { name: 'baseline', exec: 'sql' }]),
  summaryTrendStats,
};

const cases = fx.usersPage; // [{viewer, filter, token, variables}]
const query = fx.usersPageQuery;

export function graphql() {
  const c = pick(cases);
  const res = gql(c.token, query, c.variables, 'usersPage');
  graphqlMs.add(res.timings.duration);
}

export function sql() {
  const c = pick(cases);
  const res = baseline('GET', `/users-page?viewer=${c.viewer}&filter=${c.filter}`, null, 'usersPageSQL');
  baselineMs.add(res.timings.duration);
}

export const handleSummary = summary;
