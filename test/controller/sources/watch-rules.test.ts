import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEditorTemporary, isIgnoredPath, isManifestPath, sortedUnique } from '../../../controller/sources/watch-rules.ts';

const roots = ['/w/infra', '/w/one.conf', '/w/infra/.extra/x.txt'];

describe('watch rules', () => {
  it('takes manifests below a root by the discoverFiles rules', () => {
    const table: [string, boolean][] = [
      ['/w/infra/a.yaml', true],
      ['/w/infra/deep/b.YML', true],
      ['/w/infra/c.json', true],
      ['/w/infra/notes.txt', false],
      ['/w/infra/novaform.yaml', false],
      ['/w/infra/.novaform/state.json', false],
      ['/w/infra/.git/HEAD.yaml', false],
      ['/w/infra/node_modules/p/x.yaml', false],
      ['/w/infra/.hidden.yaml', false],
      ['/w/infra/a.yaml~', false],
      ['/w/infra/.a.yaml.swp', false],
      ['/w/infra/#a.yaml#', false],
      ['/w/infra/4913', false],
      ['/w/one.conf', true], // named explicitly: any extension
      ['/w/infra/.extra/x.txt', true], // named explicitly inside a skipped folder
      ['/w/other.yaml', false],
      ['/w/infra-b/a.yaml', false], // a sibling sharing the prefix is not inside
    ];
    for (const [path, expected] of table) assert.equal(isManifestPath(path, roots), expected, path);
  });

  it('never ignores a root or a folder leading to one, ignores skipped entries and non-manifest files below a root', () => {
    assert.equal(isIgnoredPath('/w', roots), false);
    assert.equal(isIgnoredPath('/w/infra', roots), false);
    assert.equal(isIgnoredPath('/w/infra/.extra', roots), false);
    assert.equal(isIgnoredPath('/w/infra/.novaform', roots), true);
    assert.equal(isIgnoredPath('/w/infra/.git/objects', roots), true);
    assert.equal(isIgnoredPath('/w/infra/node_modules', roots), true);
    assert.equal(isIgnoredPath('/w/infra/web', roots), false);
    assert.equal(isIgnoredPath('/w/infra/notes.txt', roots, true), true);
    assert.equal(isIgnoredPath('/w/infra/notes.txt', roots, undefined), false); // unknown type: could be a folder
    assert.equal(isIgnoredPath('/w/infra/a.yaml', roots, true), false);
  });

  it('knows the editors\' temporaries', () => {
    for (const name of ['4913', 'a.yaml~', '.#a.yaml', '#a.yaml#', '.a.yaml.swp', '.a.yaml.swo', '.a.yaml.swx']) assert.equal(isEditorTemporary(name), true, name);
    for (const name of ['a.yaml', '49130', 'swp.yaml']) assert.equal(isEditorTemporary(name), false, name);
  });

  it('sorts by code unit and deduplicates', () => {
    assert.deepEqual(sortedUnique(['/b', '/a', '/B', '/a']), ['/B', '/a', '/b']);
  });
});
