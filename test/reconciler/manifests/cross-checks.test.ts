import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckedDocument } from '../../../reconciler/manifests/checked-document.ts';
import { referenceCycles } from '../../../reconciler/manifests/cross-checks.ts';
import type { ResolvedLink } from '../../../reconciler/manifests/references.ts';

/** Documents as the loader checks them, with only what the cycle check reads. */
function doc(kind: 'Server' | 'Volume', name: string): CheckedDocument {
  const at = { file: `${name}.yaml`, line: 1, column: 1 };
  return { kind, metadata: { name }, spec: {}, location: at, locate: () => at, references: [], selected: true } as CheckedDocument;
}

const link = (target: CheckedDocument, path: (string | number)[]): ResolvedLink => ({ ref: { target: target.kind, name: target.metadata.name, path }, target });

describe('referenceCycles', () => {
  it('finds a cycle among documents that both refer and are referred to, past a tail that only refers', () => {
    const [server, a, b, plain] = [doc('Server', 's'), doc('Volume', 'a'), doc('Volume', 'b'), doc('Volume', 'plain')];
    const links = new Map<CheckedDocument, ResolvedLink[]>([
      [server, [link(a, ['spec', 'volumes', 0, 'volume']), link(plain, ['spec', 'volumes', 1, 'volume'])]],
      [a, [link(b, ['spec', 'source'])]],
      [b, [link(a, ['spec', 'source'])]],
    ]);
    const found = referenceCycles([server, a, b, plain], links);
    assert.deepEqual(found.map((d) => d.message), ['reference cycle: Volume/a → Volume/b → Volume/a']);
    assert.equal(found[0]!.path, 'spec.source');
  });

  it('a document that refers to itself is a cycle; servers referring to what refers to nothing are none', () => {
    const [self, server, flavor] = [doc('Volume', 'self'), doc('Server', 'web'), doc('Volume', 'data')];
    const links = new Map<CheckedDocument, ResolvedLink[]>([[self, [link(self, ['spec', 'source'])]], [server, [link(flavor, ['spec', 'volumes', 0, 'volume'])]]]);
    assert.deepEqual(referenceCycles([self, server, flavor], links).map((d) => d.message), ['reference cycle: Volume/self → Volume/self']);
    assert.deepEqual(referenceCycles([server, flavor], new Map([[server, [link(flavor, ['spec', 'volumes', 0, 'volume'])]]])), []);
  });
});
