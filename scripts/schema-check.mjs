#!/usr/bin/env node
// Schema compatibility check (issue 15.7): the schema in graph/schema/*.graphqls
// is compared with the printed schema of the last release in
// graph/schema/release/ (graphql-inspector's diff), and every breaking change
// it finds must be announced in CHANGELOG.md under "## Unreleased", in an
// entry marked **breaking** (or under a "### Breaking" heading) that names
// its schema coordinate: `Mutation.createUser`, `User.email`,
// `Query.users(orderBy:)` or `Query.users.orderBy` for an argument,
// `UserStatus.LOCKED` for an enum value, `Type.*` for every change in a type.
//
//   node scripts/schema-check.mjs                  check; exit 1 naming what is not announced
//   node scripts/schema-check.mjs --print VERSION  at a release: print the schema to
//                                                  graph/schema/release/VERSION.graphql
//
// The newest release schema is the one compared: the highest VERSION (semver
// order); before the first release, baseline.graphql (see the README there).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { CriticalityLevel, diff } from '@graphql-inspector/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'graph/schema');
const releaseDir = join(schemaDir, 'release');

/** The schema of the .graphqls files, as one SDL document. */
export function currentSDL(dir = schemaDir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphqls'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

/** Printed form of an SDL document: sorted, so that a release file diffs cleanly. */
export function printSDL(sdl) {
  return printSchema(lexicographicSortSchema(buildSchema(sdl))) + '\n';
}

/** The newest release schema file: highest semver, else baseline.graphql. */
export function latestRelease(dir = releaseDir) {
  const versions = readdirSync(dir)
    .map((f) => /^v?(\d+)\.(\d+)\.(\d+)\.graphql$/.exec(f))
    .filter(Boolean)
    .sort((a, b) => a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
  const file = versions.length ? versions.at(-1)[0] : 'baseline.graphql';
  return join(dir, file);
}

/**
 * The breaking entries of CHANGELOG.md's "Unreleased" section: each list
 * item (with its continuation lines) marked **breaking**, or any item under
 * a heading containing "Breaking".
 */
export function breakingEntries(changelog) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => /^##\s+Unreleased\b/i.test(l));
  if (start < 0) return [];
  const entries = [];
  let underBreaking = false;
  let item = null;
  const flush = () => {
    if (item && (underBreaking || /\*\*breaking\*\*/i.test(item))) entries.push(item);
    item = null;
  };
  for (const line of lines.slice(start + 1)) {
    if (/^##\s/.test(line)) break; // the next release
    if (/^###\s/.test(line)) {
      flush();
      underBreaking = /breaking/i.test(line);
    } else if (/^\s*[-*]\s/.test(line) && !/^\s{4,}/.test(line)) {
      flush();
      item = line;
    } else if (item !== null && line.trim() !== '') {
      item += '\n' + line;
    } else if (line.trim() === '') {
      flush();
    }
  }
  flush();
  return entries;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an entry names the coordinate (or its argument form, or `Type.*`). */
export function names(entry, coordinate) {
  const forms = [coordinate];
  const parts = coordinate.split('.');
  if (parts.length === 3) forms.push(`${parts[0]}.${parts[1]}(${parts[2]}:)`);
  for (const form of forms) {
    if (new RegExp(`(?<![\\w.@])${escape(form)}(?![\\w]|\\.\\w)`).test(entry)) return true;
  }
  return new RegExp(`(?<![\\w.@])${escape(parts[0])}\\.\\*`).test(entry);
}

/**
 * Compares two SDL documents and returns the breaking changes that the
 * changelog does not announce, each {coordinate, message}.
 */
export async function check({ releaseSDL, currentSDL: sdl, changelog }) {
  const changes = await diff(buildSchema(releaseSDL), buildSchema(sdl));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const entries = breakingEntries(changelog);
  const missing = breaking
    .map((c) => ({ coordinate: c.path ?? '(schema)', message: c.message }))
    .filter(({ coordinate }) => !entries.some((e) => names(e, coordinate)));
  return { breaking: breaking.length, missing };
}

async function main(args) {
  if (args[0] === '--print') {
    const version = args[1];
    if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
      console.error('usage: node scripts/schema-check.mjs --print MAJOR.MINOR.PATCH');
      return 2;
    }
    const out = join(releaseDir, `${version}.graphql`);
    writeFileSync(out, printSDL(currentSDL()));
    console.log(`schema-check: printed ${out.slice(root.length + 1)}`);
    return 0;
  }
  const release = latestRelease();
  const rel = release.slice(root.length + 1);
  const { breaking, missing } = await check({
    releaseSDL: readFileSync(release, 'utf8'),
    currentSDL: currentSDL(),
    changelog: readFileSync(join(root, 'CHANGELOG.md'), 'utf8'),
  });
  if (missing.length === 0) {
    console.log(`schema-check: ${breaking} breaking change(s) against ${rel}, all announced in CHANGELOG.md`);
    return 0;
  }
  console.error(`schema-check: ${missing.length} of ${breaking} breaking change(s) against ${rel} are not announced`);
  console.error('in CHANGELOG.md "## Unreleased" (an entry marked **breaking** that names the coordinate):\n');
  for (const { coordinate, message } of missing) console.error(`  ${coordinate}\n      ${message}`);
  console.error('\nAnnounce them, e.g.:\n');
  console.error(`- **breaking**: ${missing.map((m) => '`' + m.coordinate + '`').join(', ')}: what changed and what clients do.`);
  console.error('\n(`Type.*` announces every change in a type.)');
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
