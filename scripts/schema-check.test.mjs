// Tests of scripts/schema-check.mjs (issue 15.7): run with `node --test scripts/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { breakingEntries, check, currentSDL, latestRelease, names } from './schema-check.mjs';

const release = `
type Query { user(id: ID!): User, users(first: Int): [User!]! }
type User { id: ID!, username: String!, email: String, status: Status! }
enum Status { ACTIVE LOCKED }
`;

const changelog = (entries) => `# Changelog

## Unreleased

### API
${entries}

## 0.1.0

- **breaking**: \`User.email\` was removed in an older release.
`;

test('a breaking change the changelog does not announce fails, naming its coordinate', async () => {
  const current = release.replace('username: String!, ', '');
  const { breaking, missing } = await check({ releaseSDL: release, currentSDL: current, changelog: changelog('- A new field.') });
  assert.equal(breaking, 1);
  assert.deepEqual(missing.map((m) => m.coordinate), ['User.username']);
});

test('the same change announced in a **breaking** entry passes', async () => {
  const current = release.replace('username: String!, ', '');
  const log = changelog('- **breaking**: `User.username` is gone;\n  read `User.login`.');
  assert.deepEqual((await check({ releaseSDL: release, currentSDL: current, changelog: log })).missing, []);
});

test('an announcement elsewhere does not count: not breaking, or in a past release', async () => {
  const current = release.replace('email: String, ', '');
  for (const log of [changelog('- `User.email` is gone.'), changelog('- **breaking**: `User.emailAddress` is new.')]) {
    const { missing } = await check({ releaseSDL: release, currentSDL: current, changelog: log });
    assert.deepEqual(missing.map((m) => m.coordinate), ['User.email'], log);
  }
});

test('arguments, enum values, nullability and whole types', async () => {
  const current = release
    .replace('users(first: Int)', 'users(first: Int!)')
    .replace('ACTIVE LOCKED', 'ACTIVE')
    .replace('user(id: ID!): User,', 'user(id: ID!): User!,')
    .replace('status: Status!', 'status: Status');
  const { missing } = await check({ releaseSDL: release, currentSDL: current, changelog: changelog('') });
  assert.deepEqual(missing.map((m) => m.coordinate).sort(), ['Query.users.first', 'Status.LOCKED', 'User.status']);
  const log = changelog(
    '- **breaking**: `Query.users(first:)` is required.\n- **breaking**: `Status.LOCKED` is gone.\n\n### Breaking\n- `User.*` changed.',
  );
  assert.deepEqual((await check({ releaseSDL: release, currentSDL: current, changelog: log })).missing, []);
});

test('names matches whole coordinates only', () => {
  assert.ok(names('`Mutation.createUser` is nullable', 'Mutation.createUser'));
  assert.ok(!names('`Mutation.createUserX`', 'Mutation.createUser'));
  assert.ok(!names('`Mutation.createUser.input`', 'Mutation.createUser'));
  assert.ok(!names('`XMutation.createUser`', 'Mutation.createUser'));
  assert.ok(names('`Mutation.*`', 'Mutation.createUser'));
  assert.ok(!names('`User.*`', 'UserError.code'));
});

test('breakingEntries reads only the Unreleased section', () => {
  const entries = breakingEntries(changelog('- **breaking**: `A.b` changed.\n- `C.d` added.'));
  assert.deepEqual(entries, ['- **breaking**: `A.b` changed.']);
});

test('the repository: the schema against the last release, with CHANGELOG.md', async () => {
  const { missing } = await check({
    releaseSDL: readFileSync(latestRelease(), 'utf8'),
    currentSDL: currentSDL(),
    changelog: readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8'),
  });
  assert.deepEqual(missing, [], 'run node scripts/schema-check.mjs for what to announce');
});
