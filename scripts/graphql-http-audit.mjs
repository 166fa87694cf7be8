// Runs the GraphQL over HTTP audit suite of graphql-http against a running
// server (AUDIT_URL, e.g. http://127.0.0.1:8080/graphql). Every MUST audit
// must pass; SHOULD and MAY audits are reported.
import { serverAudits } from 'graphql-http';

const url = process.env.AUDIT_URL;
if (!url) {
  console.error('set AUDIT_URL to the /graphql endpoint');
  process.exit(2);
}
let passed = 0;
let failed = 0;
let warned = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const level = audit.name.split(' ')[0];
  if (result.status === 'ok') {
    passed++;
  } else if (level === 'MUST') {
    failed++;
    console.log(`FAIL ${audit.name}: ${result.reason}`);
  } else {
    warned++;
    console.log(`note ${audit.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${passed} passed, ${failed} failed, ${warned} optional not met`);
process.exit(failed > 0 ? 1 : 0);
