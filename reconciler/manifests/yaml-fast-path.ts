import { LineCounter } from 'yaml';
import type { PathSegment } from './json-path.ts';
import type { LocateTarget } from './yaml-locate.ts';

/**
 * A reader for the plain YAML most manifests are written in (block
 * mappings and lists, one-line flow collections, plain and simple quoted
 * scalars, comments, `---` between documents), several times faster than
 * the full parser and allocating a fraction of its syntax tree.
 *
 * Contract: for a text it accepts, it MUST give exactly what the `yaml`
 * package gives (parseAllDocuments, then toJS; core schema, YAML 1.2): the
 * same document indexes, the same values, and the same place for every path
 * as `locateNode`. Anything else it MUST refuse (return undefined), and the
 * caller parses the file with `yaml`: anchors, aliases, tags, directives,
 * block scalars, multi-line scalars or flow collections, escapes, complex
 * or non-string keys, duplicate keys, tabs, CR line ends, control
 * characters. A refused file is never an error here: every syntax problem
 * is found and reported by the full parser, with its wording.
 * test/reconciler/manifests/yaml-fast-path.test.ts compares the two.
 */

/** Where a node is: its value, and for a mapping's value its key. */
export interface FastNode {
  readonly value: unknown;
  /** Offset of the value's first character (a block mapping's first key, a list's first `-`, a bracket); -1 for an empty value. */
  readonly at: number;
  /** Offset of the key when the node is a mapping's value, else -1. */
  readonly keyAt: number;
  readonly children?: Map<string, FastNode> | FastNode[];
}

/** A non-empty document of the text: its place in the stream and its lines. */
export interface FastRange {
  /** Position in the file's stream of documents (empty ones included), as `yaml` counts them. */
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

export interface FastStream {
  readonly lineCounter: LineCounter;
  /** The non-empty documents, in order. */
  readonly documents: readonly FastRange[];
  /**
   * The document's tree (a block mapping at the top), or undefined when it
   * is outside the subset. Documents are read one at a time, so that each
   * tree is garbage while it is young.
   */
  read(document: FastRange): FastNode | undefined;
}

/** Deeper documents are left to the full parser (and its nesting check). */
const MAX_DEPTH = 40;
/** The full parser refuses implicit keys past 1024 characters. */
const MAX_KEY_LENGTH = 1000;
// Tabs, CR, C0/C1 controls, BOM and non-characters: all are the full parser's to judge.
const UNSUPPORTED_CHARACTERS = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF]/;
// A key that the core schema reads as a string, with no character that needs a closer look.
const PLAIN_KEY = /^[A-Za-z_](?:[A-Za-z0-9_.\/:-]*[A-Za-z0-9_.\/-])?$/;
const NON_STRING_KEY = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|__proto__)$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const SAFE_INTEGER = /^-?[0-9]{1,15}$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$|^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
// Every other core-schema number (octal, hex, signed or long integers, .inf, .nan): left to the full parser.
const OTHER_NUMBER = /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const PLAIN_START_REFUSED = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '"', "'"]);
const FLOW_STOP = new Set([',', '[', ']', '{', '}', '#', ':']);

/** Thrown inside the reader to give a text up; never leaves this module. */
const REFUSED = Symbol('refused');

/**
 * The lines and documents of `text`, each document to be read on demand;
 * undefined when the text as a whole is outside the subset (a character,
 * a directive or a document end marker the fast path does not read).
 *
 * @example
 * const stream = scanFastYaml('kind: Flavor\nspec: {vcpus: 1}\n')
 * stream?.read(stream.documents[0]!)?.value // { kind: 'Flavor', spec: { vcpus: 1 } }
 */
export function scanFastYaml(text: string): FastStream | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const reader = new FastReader(text);
  const documents = attempt(() => reader.scan());
  if (!documents) return undefined;
  return { lineCounter: reader.lineCounter, documents, read: (document) => attempt(() => reader.read(document)) };
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error === REFUSED) return undefined;
    throw error;
  }
}

/**
 * The offset `locateNode` gives for `path` in a fast-read document: the
 * value (or its key, for target 'key'); a path that leaves the document
 * gives the deepest node that exists.
 *
 * @example
 * fastLocate(doc.root, ['spec', 'vcpus'], 'value') // 42
 */
export function fastLocate(root: FastNode, path: readonly PathSegment[], target: LocateTarget): number {
  let node = root;
  let keyAt = -1;
  for (const segment of path) {
    const children = node.children;
    let next: FastNode | undefined;
    if (children instanceof Map) {
      next = children.get(String(segment));
      if (next) keyAt = next.keyAt;
    } else if (children && typeof segment === 'number' && segment < children.length) {
      next = children[segment];
      keyAt = -1;
    }
    if (!next) break;
    node = next;
  }
  if (target === 'key' && keyAt >= 0) return keyAt;
  if (node.at >= 0) return node.at;
  return keyAt >= 0 ? keyAt : root.at;
}

function refuse(): never {
  throw REFUSED;
}

class FastReader {
  readonly lineCounter = new LineCounter();
  private readonly text: string;
  // Content lines (neither blank nor comment): where the content starts, where the line ends, the indent.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  private pos = 0;
  /** The end of the document being read (a line number). */
  private limit = 0;
  private depth = 0;

  constructor(text: string) {
    this.text = text;
  }

  scan(): FastRange[] {
    const { text } = this;
    const documents: FastRange[] = [];
    let index = 0;
    let from = 0;
    let marked = false;
    for (let begin = 0; begin <= text.length; ) {
      let end = text.indexOf('\n', begin);
      if (end === -1) end = text.length;
      this.lineCounter.addNewLine(begin);
      if (text.startsWith('---', begin) || text.startsWith('...', begin)) {
        if (end - begin !== 3 || text[begin] === '.') refuse();
        // Comments before the first marker belong to the first document; content is a document of its own.
        if (marked || this.starts.length > from) {
          if (this.starts.length > from) documents.push({ index, from, to: this.starts.length });
          index += 1;
          from = this.starts.length;
        }
        marked = true;
      } else {
        let first = begin;
        while (first < end && text.charCodeAt(first) === 32) first += 1;
        if (first < end && text[first] !== '#') {
          if (first === begin && text[first] === '%') refuse();
          this.starts.push(first);
          this.ends.push(end);
          this.indents.push(first - begin);
        }
      }
      begin = end + 1;
    }
    if (this.starts.length > from) documents.push({ index, from, to: this.starts.length });
    return documents;
  }

  read(document: FastRange): FastNode {
    this.pos = document.from;
    this.limit = document.to;
    this.depth = 0;
    if (this.isListItem(this.pos)) refuse();
    const root = this.block(this.indents[this.pos]!, -1);
    if (this.pos !== this.limit) refuse();
    return root;
  }

  private isListItem(line: number): boolean {
    const start = this.starts[line]!;
    return this.text[start] === '-' && (start + 1 === this.ends[line] || this.text[start + 1] === ' ');
  }

  /** The block collection whose first line is the current one, at `indent`. */
  private block(indent: number, keyAt: number): FastNode {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) refuse();
    const node = this.isListItem(this.pos) ? this.list(indent, keyAt) : this.mapping(indent, keyAt);
    this.depth -= 1;
    return node;
  }

  private mapping(indent: number, keyAt: number): FastNode {
    const { text, starts, ends, indents } = this;
    const value: Record<string, unknown> = {};
    const children = new Map<string, FastNode>();
    const at = starts[this.pos]!;
    while (this.pos < this.limit) {
      const lineIndent = indents[this.pos]!;
      if (lineIndent < indent) break;
      if (lineIndent > indent || this.isListItem(this.pos)) refuse();
      const start = starts[this.pos]!;
      const end = ends[this.pos]!;
      const colon = keyEnd(text, start, end);
      const key = text.slice(start, colon);
      if (!isPlainKey(key) || children.has(key)) refuse();
      const rest = skipSpaces(text, colon + 1, end);
      this.pos += 1;
      let child: FastNode;
      if (rest === end || text[rest] === '#') {
        if (this.pos < this.limit && indents[this.pos]! > indent) child = this.block(indents[this.pos]!, start);
        else if (this.pos < this.limit && indents[this.pos] === indent && this.isListItem(this.pos)) child = this.block(indent, start);
        else child = { value: null, at: -1, keyAt: start };
      } else {
        child = this.inline(rest, end, start);
      }
      value[key] = child.value;
      children.set(key, child);
    }
    return { value, at, keyAt, children };
  }

  private list(indent: number, keyAt: number): FastNode {
    const { text, starts, ends, indents } = this;
    const value: unknown[] = [];
    const children: FastNode[] = [];
    const at = starts[this.pos]!;
    while (this.pos < this.limit && indents[this.pos] === indent && this.isListItem(this.pos)) {
      const line = this.pos;
      const end = ends[line]!;
      const rest = skipSpaces(text, starts[line]! + 1, end);
      let child: FastNode;
      if (rest === end || text[rest] === '#') {
        this.pos += 1;
        child = this.pos < this.limit && indents[this.pos]! > indent ? this.block(indents[this.pos]!, -1) : { value: null, at: -1, keyAt: -1 };
      } else if (startsMappingEntry(text, rest, end)) {
        // `- key: value`: a mapping whose lines are indented to its first key.
        indents[line] = indent + (rest - starts[line]!);
        starts[line] = rest;
        child = this.block(indents[line]!, -1);
      } else {
        this.pos += 1;
        child = this.inline(rest, end, -1);
      }
      value.push(child.value);
      children.push(child);
    }
    return { value, at, keyAt, children };
  }

  /** A value written on its key's (or dash's) line: a scalar or a one-line flow collection. */
  private inline(start: number, end: number, keyAt: number): FastNode {
    const { text } = this;
    const first = text[start]!;
    if (first === '[' || first === '{') return this.flow(start, end, keyAt);
    if (first === '"' || first === "'") {
      const close = quotedEnd(text, start, end);
      tail(text, close, end);
      return { value: text.slice(start + 1, close - 1), at: start, keyAt };
    }
    if (PLAIN_START_REFUSED.has(first) || (first === '-' && (start + 1 === end || text[start + 1] === ' '))) refuse();
    const raw = text.slice(start, commentStart(text, start, end)).trimEnd();
    if (raw.includes(': ') || raw.endsWith(':')) refuse();
    return { value: plainValue(raw), at: start, keyAt };
  }

  private flow(start: number, end: number, keyAt: number): FastNode {
    const { text } = this;
    const isMap = text[start] === '{';
    const close = isMap ? '}' : ']';
    const map: Record<string, unknown> = {};
    const list: unknown[] = [];
    const entries = new Map<string, FastNode>();
    const items: FastNode[] = [];
    let p = skipSpaces(text, start + 1, end);
    if (text[p] === close) return { value: isMap ? map : list, at: start, keyAt, children: isMap ? entries : items };
    for (;;) {
      if (isMap) {
        const keyStart = p;
        while (p < end && !FLOW_STOP.has(text[p]!) && text[p] !== '"' && text[p] !== "'") p += 1;
        const key = text.slice(keyStart, p).trimEnd();
        if (text[p] !== ':' || text[p + 1] !== ' ' || !isPlainKey(key) || key.includes(':') || entries.has(key)) refuse();
        const item = this.flowScalar(skipSpaces(text, p + 1, end), end, keyStart);
        map[key] = item.node.value;
        entries.set(key, item.node);
        p = item.next;
      } else {
        const item = this.flowScalar(p, end, -1);
        list.push(item.node.value);
        items.push(item.node);
        p = item.next;
      }
      p = skipSpaces(text, p, end);
      if (text[p] === ',' && p < end) {
        p = skipSpaces(text, p + 1, end);
        if (p >= end || text[p] === close) refuse();
        continue;
      }
      if (text[p] !== close || p >= end) refuse();
      tail(text, p + 1, end);
      return { value: isMap ? map : list, at: start, keyAt, children: isMap ? entries : items };
    }
  }

  private flowScalar(start: number, end: number, keyAt: number): { node: FastNode; next: number } {
    const { text } = this;
    if (start >= end) refuse();
    const first = text[start]!;
    if (first === '"' || first === "'") {
      const close = quotedEnd(text, start, end);
      return { node: { value: text.slice(start + 1, close - 1), at: start, keyAt }, next: close };
    }
    if (PLAIN_START_REFUSED.has(first) || (first === '-' && (start + 1 >= end || text[start + 1] === ' ' || FLOW_STOP.has(text[start + 1]!)))) refuse();
    let p = start;
    while (p < end && !FLOW_STOP.has(text[p]!)) p += 1;
    if (text[p] === ':' || text[p] === '#') refuse();
    const raw = text.slice(start, p).trimEnd();
    if (raw === '') refuse();
    return { node: { value: plainValue(raw), at: start, keyAt }, next: p };
  }
}

/** The offset of the `:` that ends the key starting at `start` (followed by a space or the line's end). */
function keyEnd(text: string, start: number, end: number): number {
  for (let p = text.indexOf(':', start); p !== -1 && p < end; p = text.indexOf(':', p + 1)) {
    if (p + 1 === end || text[p + 1] === ' ') {
      if (p - start > MAX_KEY_LENGTH) refuse();
      return p;
    }
  }
  return refuse();
}

function startsMappingEntry(text: string, start: number, end: number): boolean {
  for (let p = text.indexOf(':', start); p !== -1 && p < end; p = text.indexOf(':', p + 1)) {
    if (p + 1 === end || text[p + 1] === ' ') return isPlainKey(text.slice(start, p));
  }
  return false;
}

function isPlainKey(key: string): boolean {
  return PLAIN_KEY.test(key) && !NON_STRING_KEY.test(key);
}

function skipSpaces(text: string, from: number, end: number): number {
  let p = from;
  while (p < end && text.charCodeAt(p) === 32) p += 1;
  return p;
}

/** The offset just past a one-line quoted scalar without escapes. */
function quotedEnd(text: string, start: number, end: number): number {
  const quote = text[start]!;
  const close = text.indexOf(quote, start + 1);
  if (close === -1 || close >= end || text[close + 1] === quote) refuse();
  if (quote === '"' && text.slice(start + 1, close).includes('\\')) refuse();
  return close + 1;
}

/** Where a comment (a `#` after a space) starts on the line, else `end`. */
function commentStart(text: string, start: number, end: number): number {
  for (let p = start + 1; p < end; p += 1) {
    if (text.charCodeAt(p) === 35 && text.charCodeAt(p - 1) === 32) return p - 1;
  }
  return end;
}

/** After a value only spaces and a comment may follow. */
function tail(text: string, from: number, end: number): void {
  const p = skipSpaces(text, from, end);
  if (p < end && !(text[p] === '#' && p > from)) refuse();
}

/** A plain scalar's value under the core schema. */
function plainValue(raw: string): unknown {
  if (NULL.test(raw)) return null;
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  if (SAFE_INTEGER.test(raw)) return Number(raw);
  if (FLOAT.test(raw)) return parseFloat(raw);
  if (OTHER_NUMBER.test(raw)) refuse();
  return raw;
}
