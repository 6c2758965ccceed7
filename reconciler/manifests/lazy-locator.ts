import type { SourceLocation } from './diagnostics.ts';
import type { PathSegment } from './json-path.ts';
import { parseYamlStream } from './parse-documents.ts';
import { locateNode, type LocateTarget, type YamlDocumentSource } from './yaml-locate.ts';

/**
 * Positions inside a file for as long as its manifests live, without
 * keeping its YAML syntax tree in memory: the file's text is kept (a
 * fraction of the tree's size) and parsed again on the first lookup, which
 * only a diagnostic found after loading (at plan time) needs.
 */
export type FileLocator = (documentIndex: number, path: readonly PathSegment[], target?: LocateTarget) => SourceLocation;

/**
 * A locator for the documents of `text`, shown as `file`.
 *
 * @example
 * const locate = lazyLocator('servers.yaml', text)
 * locate(1, ['spec', 'flavor']) // { file: 'servers.yaml', line: 17, column: 11 }
 */
export function lazyLocator(file: string, text: string): FileLocator {
  let sources: YamlDocumentSource[] | undefined;
  return (documentIndex, path, target = 'value') => {
    if (!sources) {
      const { docs, lineCounter } = parseYamlStream(text);
      sources = docs.map((doc) => ({ file, doc, lineCounter }));
    }
    const source = sources[documentIndex];
    return source ? locateNode(source, path, target) : { file, line: 1, column: 1 };
  };
}
