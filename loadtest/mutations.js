// createUser (a new person with a first role, an invitation queued) then
// assignRole (a second role, of another product or of the same) by a
// tenant administrator, as the add-user
// wizard does. Baseline: the rows those two leave (user, membership,
// product, two role assignments, their audit records and change events)
// inserted by hand in one transaction through pgx (bench.Baseline
// /create-user).
import { Trend } from 'k6/metrics';
import exec from 'k6/execution';
import { fx, gql, baseline, scenarios, summaryTrendStats, summary } from './lib.js';
import { taxCode } from './taxcode.js';

const graphqlMs = new Trend('graphql_ms', true);
const baselineMs = new Trend('baseline_ms', true);

export const options = {
  scenarios: scenarios([{ name: 'graphql', exec: 'graphql' }, { name: 'baseline', exec: 'sql' }]),
  summaryTrendStats,
};

const m = fx.mutations; // {token, tenantId, tenantGid, productId, productGid, product2Id, roleId, roleGid, role2Id, role2Gid, seed}

const createUser = `mutation($input: CreateUserInput!) { createUser(input: $input) {
  user { id } membership { id } userErrors { field code message } } }`;
const assignRole = `mutation($input: AssignRoleInput!) { assignRole(input: $input) {
  roleAssignment { id } userErrors { field code message } } }`;

// n is unique over runs: the run's seed (milliseconds), the scenario and
// the iteration.
function unique(offset) {
  return (m.seed % 1e9) * 1e5 + offset + exec.scenario.iterationInTest;
}

export function graphql() {
  const n = unique(0);
  const username = `lt${m.seed}.g${exec.scenario.iterationInTest}`;
  let res = gql(m.token, createUser, { input: {
    tenantId: m.tenantGid, username, taxCode: taxCode(n), givenName: 'Carico', familyName: 'Prova',
    email: `${username}@example.com`, productId: m.productGid, roleId: m.roleGid,
  } }, 'createUser');
  let t = res.timings.duration;
  const out = res.json('data.createUser');
  if (!out.user || out.userErrors.length > 0) {
    throw new Error(`createUser: ${JSON.stringify(out.userErrors)}`);
  }
  res = gql(m.token, assignRole, { input: { userId: out.user.id, tenantId: m.tenantGid, roleId: m.role2Gid } }, 'assignRole');
  t += res.timings.duration;
  const ra = res.json('data.assignRole');
  if (!ra.roleAssignment || ra.userErrors.length > 0) {
    throw new Error(`assignRole: ${JSON.stringify(ra.userErrors)}`);
  }
  graphqlMs.add(t);
}

export function sql() {
  const n = unique(50000);
  const username = `lt${m.seed}.s${exec.scenario.iterationInTest}`;
  const res = baseline('POST', `/create-user?tenant=${m.tenantId}&product=${m.productId}&role=${m.roleId}&product2=${m.product2Id}&role2=${m.role2Id}` +
    `&username=${username}&taxCode=${taxCode(n)}`, null, 'createUserSQL');
  baselineMs.add(res.timings.duration);
}

export const handleSummary = summary;
