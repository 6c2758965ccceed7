import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { KIND_NAMES } from '../../provider/resources/registry.ts';

/**
 * "A kind is a module" (DESIGN.md, issue 9): generic code in reconciler/
 * and cli/ never switches on a kind's name; what it needs of a kind it
 * reads from the kind's module through the registry. This test reads every
 * .ts file there (test files excepted) and fails, naming file:line, on a
 * kind name written in code: a string literal equal to a kind of the
 * registry ('Server', "Flavor", `Volume`, also as a literal type), or a
 * per-kind table's key (`{ Server: ... }`). Comments and JSDoc are not code.
 * The kinds come from the registry, so a new kind is covered the day it
 * is registered.
 */

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const SCANNED = ['reconciler', 'controller', 'pulumi', 'cli'];


interface Hit {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A name written as a key of an object literal, an interface or a type literal: `{ Server: ... }`. */
function isMemberName(node: ts.Node): boolean {
  const parent = node.parent;
  return parent !== undefined && (ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node;
}

/**
 * Every kind name written in code in `text`.
 *
 * @example
 * kindNamesIn('a.ts', "if (kind === 'Server') x(); // 'Flavor'", new Set(['Server', 'Flavor'])) // [{ file: 'a.ts', line: 1, text: "'Server'" }]
 */
function kindNamesIn(file: string, text: string, kinds: ReadonlySet<string>): Hit[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const hits: Hit[] = [];
  const visit = (node: ts.Node) => {
    const literal = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
    const key = (ts.isIdentifier(node) || ts.isStringLiteral(node)) && isMemberName(node);
    if ((literal || key) && kinds.has(ts.isIdentifier(node) ? node.text : (node as ts.StringLiteral).text)) {
      hits.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text: node.getText(source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return hits;
}

describe('no switch on kind names in reconciler/, controller/ and cli/', () => {
  const kinds = new Set<string>(KIND_NAMES);
  const files = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((path) => relative(ROOT, path).split('\\').join('/')).sort();
  const hits = files.flatMap((file) => kindNamesIn(file, readFileSync(join(ROOT, file), 'utf8'), kinds));

  it('finds kind names in code, not in comments', () => {
    const text = [
      '/** kindModule(\'Server\') in JSDoc */',
      "// a comment about 'Flavor'",
      "const a = kind === 'Server';",
      'const b = { Volume: 1, other: "Keypair" };',
      'type C = ManifestOf<`Aggregate`, X>;',
      "const d = 'Serverless' + Server.name;",
    ].join('\n');
    assert.deepEqual(kindNamesIn('x.ts', text, new Set(['Server', 'Flavor', 'Volume', 'Keypair', 'Aggregate'])).map((h) => `${h.line} ${h.text}`), [
      "3 'Server'", '4 Volume', '4 "Keypair"', '5 `Aggregate`',
    ]);
  });

  it('scans the files', () => assert.ok(files.length > 50, `only ${files.length} files found under ${SCANNED.join(', ')}`));

  it('no file names a kind', () => {
    assert.deepEqual(hits.map((hit) => `${hit.file}:${hit.line}: ${hit.text}`), [], 'read what you need of a kind from its module (provider/resources/kind.ts) instead of naming it');
  });
});
