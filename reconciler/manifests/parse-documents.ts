import type { Document, LineCounter, Node } from 'yaml';
import { yamlLibrary } from './yaml-library.ts';
import { diagnostic, type ManifestDiagnostic, type SourceLocation } from './diagnostics.ts';
import { formatPath, type PathSegment } from './json-path.ts';
import type { Locator } from './convert-sizes.ts';
import { readFastYaml } from './fast-yaml.ts';
import type { FileLocator } from './lazy-locator.ts';
import { documentLocation, locateNode, offsetLocation, type YamlDocumentSource } from './yaml-locate.ts';

/**
 * Multi-document YAML (and JSON, which YAML 1.2 contains) with positions.
 * A file `fast-yaml.ts` reads (js-yaml, the same values as `yaml`, no
 * syntax tree) is read by it, its places found later by parsing it again
 * with `yaml` only if a diagnostic needs one; any other file by `yaml`.
 * Each document is checked for syntax errors, duplicate mapping keys and
 * alias expansion (a "billion laughs" file is refused, not expanded).
 * Nesting deeper than MAX_NESTING is refused with its place, before any
 * recursive reader (toJS, the schema validator) could run out of stack.
 */

/** Lists and mappings nested deeper than this are refused; manifests nest a handful of levels. */
export const MAX_NESTING = 100;

export interface ParsedDocument {
  /** Position in the file's stream of documents (empty ones included). */
  readonly index: number;
  /** The document as plain data. */
  readonly value: unknown;
  /** Where the document starts: read it only for a diagnostic (it may parse the file again). */
  readonly location: SourceLocation;
  /** The place of a path in this document, while it is being checked. */
  readonly locate: Locator;
}

/**
 * Parses the documents of `text` one at a time, as the caller asks for
 * them; problems go to `diagnostics` as they are found. Empty documents (a
 * trailing `---`, a file of comments) are skipped; a document with any
 * problem yields diagnostics and no value. A file the fast reader takes
 * yields documents whose places come from `later` (the file's lazy
 * locator); any other file is parsed by `yaml` whole.
 *
 * @example
 * [...parseDocuments('a.yaml', 'kind: Flavor\n---\nkind: Server\n', 100, [], lazyLocator('a.yaml', text))].length // 2
 */
export function* parseDocuments(file: string, text: string, maxAliasCount: number, diagnostics: ManifestDiagnostic[], later: FileLocator): Generator<ParsedDocument> {
  const fast = readFastYaml(text);
  if (!fast) {
    yield* fullDocuments(file, text, maxAliasCount, diagnostics);
    return;
  }
  for (const [index, value] of fast.entries()) {
    if (value !== null) yield fastDocument(later, index, value);
  }
}

/** The documents of a file parsed by `yaml`. */
function* fullDocuments(file: string, text: string, maxAliasCount: number, diagnostics: ManifestDiagnostic[]): Generator<ParsedDocument> {
  const { isScalar } = yamlLibrary();
  const { docs, lineCounter } = parseYamlStream(text);
  for (const [index, doc] of docs.entries()) {
    const source: YamlDocumentSource = { file, doc, lineCounter };
    const syntax = yamlProblems(source);
    const tooDeep = syntax.length === 0 ? nestingProblem(source) : undefined;
    const problems = tooDeep ? [tooDeep] : [...syntax, ...duplicateKeys(source)];
    diagnostics.push(...problems);
    if (problems.length > 0 || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      diagnostics.push(
        diagnostic(firstAlias(source), 'yaml-alias-limit', '', `aliases expand to too many nodes (the limit is ${maxAliasCount}); refusing a possible "billion laughs" document`, {
          hints: ['write the values out, or use fewer and smaller anchors'],
        }),
      );
      continue;
    }
    const locate: Locator = (path, target) => locateNode(source, path, target);
    yield { index, value, location: documentLocation(source), locate };
  }
}

/**
 * A document the fast reader read: no places until one is asked for (only
 * diagnostics do), then the file is parsed by `yaml` once. Built here, not
 * in the generator, so its closures keep no other document alive.
 */
function fastDocument(later: FileLocator, index: number, value: unknown): ParsedDocument {
  return {
    index,
    value,
    get location() {
      return later(index, []);
    },
    locate: (path, target) => later(index, path, target),
  };
}

/**
 * The YAML parse every reader of a manifest file shares (the loader, and
 * `lazyLocator` re-reading a file later), so both see the same documents.
 */
export function parseYamlStream(text: string): { docs: Document.Parsed[]; lineCounter: LineCounter } {
  const { LineCounter, parseAllDocuments } = yamlLibrary();
  const lineCounter = new LineCounter();
  // uniqueKeys is off so duplicates are reported here with both places.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  return { docs: Array.isArray(docs) ? docs : [], lineCounter };
}

function yamlProblems(source: YamlDocumentSource): ManifestDiagnostic[] {
  return [...source.doc.errors, ...source.doc.warnings].map((problem) => {
    const at = offsetLocation(source.file, source.lineCounter, problem.pos[0]);
    // The parser itself recurses: thousands of nested lists end its stack where they get too deep.
    if (/maximum call stack/i.test(problem.message)) return tooDeepDiagnostic(at, '');
    return diagnostic(at, 'yaml-syntax', '', `YAML: ${firstLine(problem.message)}`);
  });
}

function tooDeepDiagnostic(at: SourceLocation, path: string): ManifestDiagnostic {
  return diagnostic(at, 'yaml-syntax', path, `lists and mappings are nested too deeply here (more than ${MAX_NESTING} levels); refusing the document`, {
    hints: ['manifests nest a few levels; look for runaway brackets or indentation'],
  });
}

/** The first node nested deeper than MAX_NESTING, as a diagnostic (walked with an explicit stack, so depth cannot overflow it). */
function nestingProblem(source: YamlDocumentSource): ManifestDiagnostic | undefined {
  const { isMap, isScalar, isSeq } = yamlLibrary();
  const stack: Array<{ node: unknown; depth: number; path: PathSegment[] }> = [{ node: source.doc.contents, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_NESTING) {
      const offset = node.range?.[0];
      const at = offset === undefined ? documentLocation(source) : offsetLocation(source.file, source.lineCounter, offset);
      // The path where it starts to run away is enough: a hundred [0]s say nothing more.
      return tooDeepDiagnostic(at, formatPath(path.slice(0, 4)));
    }
    if (isSeq(node)) node.items.forEach((item, index) => stack.push({ node: item, depth: depth + 1, path: [...path, index] }));
    else {
      for (const pair of node.items) {
        stack.push({ node: pair.value, depth: depth + 1, path: [...path, isScalar(pair.key) ? String(pair.key.value) : '?'] });
      }
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Every key that repeats an earlier key of the same mapping, with the first one as a related place. */
function duplicateKeys(source: YamlDocumentSource): ManifestDiagnostic[] {
  const { isScalar, visit } = yamlLibrary();
  const found: ManifestDiagnostic[] = [];
  visit(source.doc, {
    Map(_, map, ancestors) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (!first) {
          seen.set(name, pair.key);
          continue;
        }
        const at = offsetLocation(source.file, source.lineCounter, pair.key.range![0]);
        const firstAt = offsetLocation(source.file, source.lineCounter, first.range![0]);
        found.push(
          diagnostic(at, 'yaml-duplicate-key', formatPath([...pathOf(ancestors, map), name]), `duplicate key '${name}' in a mapping`, {
            hints: ['YAML keeps only one of them; remove or rename the other'],
            related: [{ ...firstAt, message: `'${name}' first appears here` }],
          }),
        );
      }
    },
  });
  return found;
}

/** The JSON path of `node` from the visitor's ancestors (Document, Pair, YAMLMap, YAMLSeq, ...). */
function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const { isPair, isScalar, isSeq } = yamlLibrary();
  const segments: PathSegment[] = [];
  const chain = [...ancestors, node];
  chain.forEach((ancestor, index) => {
    if (isPair(ancestor) && isScalar(ancestor.key)) segments.push(String(ancestor.key.value));
    else if (isSeq(ancestor)) segments.push(ancestor.items.indexOf(chain[index + 1] as never));
  });
  return segments;
}

function firstAlias(source: YamlDocumentSource): SourceLocation {
  const { isAlias, visit } = yamlLibrary();
  let offset: number | undefined;
  visit(source.doc, {
    Alias(_, alias) {
      if (isAlias(alias) && alias.range) offset = alias.range[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? documentLocation(source) : offsetLocation(source.file, source.lineCounter, offset);
}

