// The texts of web/i18n.js, read from its source: German and English have the same keys, and
// each text has the same placeholders ({name}) in both languages, so that no screen shows a
// key or drops a value in one language only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'acorn';

const SOURCE = readFileSync(new URL('../../web/i18n.js', import.meta.url), 'utf8');

/** The TEXTS object of i18n.js as { lang: { key: text } }. */
export function textsOf(source) {
  const program = parse(source, { ecmaVersion: 'latest', sourceType: 'module' });
  const declarator = program.body
    .filter((node) => node.type === 'VariableDeclaration')
    .flatMap((node) => node.declarations)
    .find((d) => d.id.name === 'TEXTS');
  assert.ok(declarator, 'i18n.js declares TEXTS');
  const value = (node) => {
    if (node.type === 'Literal') return String(node.value);
    if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked).join('${}');
    throw new Error(`a text that is not a string at offset ${node.start}`);
  };
  const keyOf = (prop) => (prop.key.type === 'Identifier' ? prop.key.name : String(prop.key.value));
  return Object.fromEntries(
    declarator.init.properties.map((lang) => [
      keyOf(lang),
      Object.fromEntries(lang.value.properties.map((p) => [keyOf(p), value(p.value)])),
    ]),
  );
}

/** The placeholders of a text, sorted: "{rows} of {valid}" -> ["rows", "valid"]. */
export function placeholders(text) {
  return [...text.matchAll(/\{([A-Za-z0-9_$]+)\}/g)].map((m) => m[1]).sort();
}

/** Keys in one language only, and keys whose placeholders differ. */
export function mismatches(texts) {
  const [first, ...others] = Object.keys(texts);
  const problems = [];
  for (const other of others) {
    for (const [a, b] of [[first, other], [other, first]]) {
      for (const key of Object.keys(texts[a])) {
        if (!(key in texts[b])) problems.push(`${key}: in ${a}, not in ${b}`);
      }
    }
    for (const key of Object.keys(texts[first])) {
      if (!(key in texts[other])) continue;
      const [p, q] = [placeholders(texts[first][key]), placeholders(texts[other][key])];
      if (p.join() !== q.join()) problems.push(`${key}: ${first} has {${p}}, ${other} has {${q}}`);
    }
  }
  return problems;
}

test('German and English have the same keys and the same placeholders in every text', () => {
  const texts = textsOf(SOURCE);
  assert.deepEqual(Object.keys(texts).sort(), ['de', 'en']);
  assert.ok(Object.keys(texts.de).length > 100, 'the texts were found');
  assert.deepEqual(mismatches(texts), []);
});

test('a key in one language only and a placeholder missing in the other are both reported', () => {
  const texts = textsOf(`const TEXTS = {
    de: { 'a.b': 'Zeile {row} von {rows}', 'only.de': 'x' },
    en: { 'a.b': 'Row {row}' },
  };`);
  assert.deepEqual(mismatches(texts), ['only.de: in de, not in en', 'a.b: de has {row,rows}, en has {row}']);
});

// Every error code of openapi.yaml (ErrorCode, API contract v3) has a German and an English
// text, so that no refusal falls back to the server's English message.
const OPENAPI = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');
const TEXTS = textsOf(SOURCE);

/** The codes listed under ErrorCode's enum, read by indentation. */
function errorCodes(spec) {
  const start = spec.indexOf('\n    ErrorCode:\n');
  assert.ok(start >= 0, 'openapi.yaml has ErrorCode');
  const rest = spec.slice(start).split('\n');
  const from = rest.indexOf('      enum:') + 1;
  const codes = [];
  for (const line of rest.slice(from)) {
    const m = /^ {8}- ([a-z_]+)$/.exec(line);
    if (!m) break;
    codes.push(m[1]);
  }
  return codes;
}

test('every error code of openapi.yaml has a German and an English text', () => {
  const codes = errorCodes(OPENAPI);
  assert.ok(codes.length > 40, `the codes were found (${codes.length})`);
  const missing = [];
  for (const lang of ['de', 'en']) {
    for (const code of codes) {
      if (!(`fieldError.${code}` in TEXTS[lang])) missing.push(`${lang}: fieldError.${code}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('a code missing from the texts is found', () => {
  const spec = '\n    ErrorCode:\n      type: string\n      enum:\n        - required\n        - not_a_real_code\n    Next:\n';
  const codes = errorCodes(spec);
  assert.deepEqual(codes, ['required', 'not_a_real_code']);
  assert.ok(!(`fieldError.${codes[1]}` in TEXTS.de));
});

// Every kind of 409 of openapi.yaml (ConflictType) has a German and an English text of its own,
// and the pages know each by its problem type, so that no conflict shows the server's English.
/** The problem types listed under ConflictType's enum, read by indentation. */
function conflictTypes(spec) {
  const start = spec.indexOf('\n    ConflictType:\n');
  assert.ok(start >= 0, 'openapi.yaml has ConflictType');
  const rest = spec.slice(start).split('\n');
  const from = rest.indexOf('      enum:') + 1;
  const types = [];
  for (const line of rest.slice(from)) {
    const m = /^ {8}- \/problems\/([a-z-]+)$/.exec(line);
    if (!m) break;
    types.push(m[1]);
  }
  return types;
}

test('every conflict type of openapi.yaml is known to the pages and has a German and an English text', () => {
  // Read from the source: the page modules import each other by absolute URL paths.
  const api = readFileSync(new URL('../../web/api.js', import.meta.url), 'utf8');
  const list = /export const PROBLEM_TEXTS = \[([^\]]*)\]/.exec(api);
  assert.ok(list, 'web/api.js has PROBLEM_TEXTS');
  const PROBLEM_TEXTS = [...list[1].matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
  const types = conflictTypes(OPENAPI);
  assert.ok(types.length >= 9, `the types were found (${types.length})`);
  assert.deepEqual([...PROBLEM_TEXTS].sort(), [...types].sort());
  const missing = [];
  for (const lang of ['de', 'en']) {
    for (const type of types) {
      if (!(`problem.${type}` in TEXTS[lang])) missing.push(`${lang}: problem.${type}`);
    }
  }
  assert.deepEqual(missing, []);
});
