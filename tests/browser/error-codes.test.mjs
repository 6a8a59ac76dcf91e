// Every error code of openapi.yaml (ErrorCode, API contract v3) has a German and an English
// text in web/i18n.js, so that no refusal falls back to the server's English message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { textsOf } from './i18n.test.mjs';

const OPENAPI = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');
const TEXTS = textsOf(readFileSync(new URL('../../web/i18n.js', import.meta.url), 'utf8'));

/** The codes listed under ErrorCode's enum, read by indentation. */
export function errorCodes(spec) {
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
