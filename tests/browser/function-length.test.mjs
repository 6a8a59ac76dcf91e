// The function length check (function-length.mjs) on sources made up here: it must catch a
// function one line over the limit, let one at the limit pass, and name what it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionsOf, verdict, MAX_LINES } from './function-length.mjs';

/** A function declaration spanning exactly `lines` lines. */
function declaration(name, lines) {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`function ${name}() {`, ...body, '}'].join('\n');
}

test('a function one line over the limit is reported with its name, file, line and length', () => {
  const source = `// header\n${declaration('tooLong', MAX_LINES + 1)}\n`;
  const { failures } = verdict(functionsOf(source, 'web/x.js'), []);
  assert.deepEqual(failures, [{ name: 'tooLong', file: 'web/x.js', line: 2, length: MAX_LINES + 1 }]);
});

test('a function exactly at the limit passes', () => {
  const { failures } = verdict(functionsOf(declaration('justRight', MAX_LINES), 'web/x.js'), []);
  assert.deepEqual(failures, []);
});

test('nested functions count towards the function that holds them', () => {
  const inner = declaration('inner', MAX_LINES - 1);
  const source = `export async function outer() {\n${inner}\n  return inner;\n}\n`;
  const found = functionsOf(source, 'web/x.js');
  assert.deepEqual(found.map((f) => [f.name, f.length]), [['inner', MAX_LINES - 1], ['outer', MAX_LINES + 2]]);
  assert.deepEqual(verdict(found, []).failures.map((f) => f.name), ['outer']);
});

test('arrow functions, methods and callbacks are named after what holds them', () => {
  const source = [
    'const load = async () => 1;',
    'const tab = { render() { return 2; }, setAuths: function () {} };',
    'form.addEventListener("submit", (ev) => ev.preventDefault());',
    'class Selection { count() { return 0; } }',
  ].join('\n');
  const names = functionsOf(source, 'web/x.js').map((f) => f.name).sort();
  assert.deepEqual(names, ['(callback of addEventListener)', 'count', 'load', 'render', 'setAuths']);
});

test('a waived function passes while it does not grow, and a waiver no longer needed is stale', () => {
  const found = functionsOf(declaration('renderForm', MAX_LINES + 9), 'web/register.js');
  const waiver = [{ file: 'web/register.js', name: 'renderForm', length: MAX_LINES + 9 }];
  assert.deepEqual(verdict(found, waiver).failures, []);
  const grown = functionsOf(declaration('renderForm', MAX_LINES + 10), 'web/register.js');
  assert.equal(verdict(grown, waiver).failures.length, 1);
  const shortened = functionsOf(declaration('renderForm', MAX_LINES), 'web/register.js');
  assert.deepEqual(verdict(shortened, waiver).stale, waiver);
});
