// Keeps every JavaScript function of the web console short: parses each .js file under web/
// with acorn (the parser ESLint's espree is built on) and fails, listing name, file, line and
// length, for each function longer than the limit. A function's length runs from the line it
// starts on to the line it ends on, nested functions included.
//
//   node function-length.mjs [DIR]    # DIR defaults to the project's web/
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';
import { ancestor } from 'acorn-walk';

export const MAX_LINES = 80;

// Functions over the limit that a change on another branch shortens. A waived function may not
// grow, and an entry whose function fits the limit fails the check until it is deleted.
export const WAIVED = [];

/** Every .js file below dir (hidden folders and node_modules left out), sorted. */
export function jsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(path));
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out.sort();
}

function keyName(key) {
  if (!key) return null;
  if (key.type === 'Identifier' || key.type === 'PrivateIdentifier') return key.name;
  if (key.type === 'Literal') return String(key.value);
  return null;
}

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return keyName(callee.property);
  return null;
}

/** The name a reader would look for: declared, bound, a property, or the call it is given to. */
function functionName(node, parents) {
  if (node.id) return node.id.name;
  const parent = parents[parents.length - 2];
  if (!parent) return '(anonymous)';
  switch (parent.type) {
    case 'VariableDeclarator': return keyName(parent.id) || '(anonymous)';
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition': return keyName(parent.key) || '(anonymous)';
    case 'AssignmentExpression':
      return parent.left.type === 'MemberExpression' ? keyName(parent.left.property) || '(anonymous)' : keyName(parent.left) || '(anonymous)';
    case 'CallExpression':
    case 'NewExpression': {
      const callee = calleeName(parent.callee);
      return callee ? `(callback of ${callee})` : '(anonymous)';
    }
    default: return '(anonymous)';
  }
}

/** Every function in source as {name, file, line, length}. */
export function functionsOf(source, file) {
  const ast = parse(source, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const found = [];
  const visit = (node, _state, parents) => {
    found.push({
      name: functionName(node, parents),
      file,
      line: node.loc.start.line,
      length: node.loc.end.line - node.loc.start.line + 1,
    });
  };
  ancestor(ast, { FunctionDeclaration: visit, FunctionExpression: visit, ArrowFunctionExpression: visit });
  return found;
}

/**
 * Sorts the functions over the limit into failures and waived ones; `stale` are waivers whose
 * function no longer needs one (or no longer exists).
 */
export function verdict(functions, waived = WAIVED) {
  const over = functions.filter((f) => f.length > MAX_LINES);
  const isWaived = (f) => waived.some((w) => w.file === f.file && w.name === f.name && f.length <= w.length);
  return {
    failures: over.filter((f) => !isWaived(f)),
    waived: over.filter(isWaived),
    stale: waived.filter((w) => !over.some((f) => f.file === w.file && f.name === w.name)),
  };
}

function main() {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = resolve(here, '../..');
  const dir = resolve(process.argv[2] || join(root, 'web'));
  const all = [];
  for (const path of jsFiles(dir)) {
    all.push(...functionsOf(readFileSync(path, 'utf8'), relative(root, path)));
  }
  const { failures, waived, stale } = verdict(all);
  const longest = all.reduce((m, f) => Math.max(m, f.length), 0);
  for (const f of failures) {
    console.error(`${f.file}:${f.line}: ${f.name} is ${f.length} lines (at most ${MAX_LINES})`);
  }
  for (const w of stale) {
    console.error(`${w.file}: ${w.name} needs no waiver any more: delete its entry from WAIVED in tests/browser/function-length.mjs`);
  }
  const waivedNote = waived.length
    ? ` (waived until shortened: ${waived.map((f) => `${f.file}:${f.line} ${f.name} ${f.length} lines`).join(', ')})`
    : '';
  console.log(`js function length: ${all.length} functions, longest ${longest} lines, ${failures.length} over ${MAX_LINES}${waivedNote}`);
  process.exitCode = failures.length || stale.length || !all.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
