import type { Document, LineCounter, Node } from 'yaml';
import { yamlLibrary } from './yaml-library.ts';
import type { SourceLocation } from './diagnostics.ts';
import type { PathSegment } from './json-path.ts';

/** One parsed YAML document and what is needed to turn its nodes into file:line:column. */
export interface YamlDocumentSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/**
 * Whether a diagnostic points at a mapping key (an unknown field, a bad
 * metadata key, a mapping missing a field) or at the value itself.
 */
export type LocateTarget = 'key' | 'value';

/** file:line:column of a byte offset in the source text. */
export function offsetLocation(file: string, lineCounter: LineCounter, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

/** The document's own position: its first node, or where the document starts. */
export function documentLocation(source: YamlDocumentSource): SourceLocation {
  const start = source.doc.contents?.range[0] ?? source.doc.range[0];
  return offsetLocation(source.file, source.lineCounter, start);
}

/**
 * The position of the node at `segments` in the document: the value (or its
 * key, for target 'key'). A path that leaves the document (a missing field)
 * gives the deepest node that exists, so a diagnostic always has a place.
 *
 * @example
 * locateNode(source, ['spec', 'ram'], 'value') // { file: 'flavors.yaml', line: 6, column: 8 }
 */
export function locateNode(source: YamlDocumentSource, segments: readonly PathSegment[], target: LocateTarget = 'value'): SourceLocation {
  const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
  let node: unknown = source.doc.contents;
  let keyNode: Node | undefined;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value ?? undefined;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      keyNode = undefined;
      node = node.items[segment];
    } else {
      break;
    }
  }
  const valueNode = node as Node | undefined;
  const chosen = target === 'key' && keyNode ? keyNode : (valueRange(valueNode) ? valueNode : keyNode);
  const offset = chosen?.range?.[0];
  return offset === undefined ? documentLocation(source) : offsetLocation(source.file, source.lineCounter, offset);
}

/** A value node with a usable range: an empty value (`spec:`) has none worth pointing at. */
function valueRange(node: Node | undefined): boolean {
  const { isScalar } = yamlLibrary();
  if (!node?.range) return false;
  if (isScalar(node) && node.value === null && node.range[0] === node.range[1]) return false;
  return true;
}
