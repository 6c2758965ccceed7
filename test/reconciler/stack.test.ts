import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveStack, stackNameFromDirectory, stackNameProblem } from '../../reconciler/stack.ts';

describe('resolveStack', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'novaform-stack-'));
    // repo/.git marks a repository root; repo/proj has a project file; repo/proj/manifests/web holds manifests.
    await mkdir(join(root, 'repo', '.git'), { recursive: true });
    await mkdir(join(root, 'repo', 'proj', 'manifests', 'web'), { recursive: true });
    await writeFile(join(root, 'repo', 'proj', 'novaform.yaml'), 'stack: shop\ncloud: lab\n');
    await writeFile(join(root, 'repo', 'proj', 'manifests', 'web', 'a.yaml'), '');
    await mkdir(join(root, 'repo', 'loose dir (v2)'), { recursive: true });
    await mkdir(join(root, 'other'), { recursive: true });
    await writeFile(join(root, 'other', 'novaform.yml'), '# a project file without a stack key\ncloud: lab\n');
    await mkdir(join(root, 'bad'), { recursive: true });
    await writeFile(join(root, 'bad', 'novaform.yaml'), 'stack: "no/slashes"\n');
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('the project file\'s stack key, found above the manifests; the project dir is where it is', async () => {
    const found = await resolveStack({ paths: ['manifests/web/a.yaml'], cwd: join(root, 'repo', 'proj') });
    assert.deepEqual(found, { stack: 'shop', projectDir: join(root, 'repo', 'proj'), source: 'project-file', projectFile: join(root, 'repo', 'proj', 'novaform.yaml') });
  });

  it('--stack wins over the project file', async () => {
    const found = await resolveStack({ paths: [join(root, 'repo', 'proj', 'manifests')], cwd: '/', flag: 'canary' });
    assert.deepEqual([found.stack, found.source, found.projectDir], ['canary', 'flag', join(root, 'repo', 'proj')]);
  });

  it('without a project file (the search stops at the repository root): the directory name, made safe', async () => {
    const found = await resolveStack({ paths: ['loose dir (v2)'], cwd: join(root, 'repo') });
    assert.deepEqual(found, { stack: 'loose-dir-v2', projectDir: join(root, 'repo', 'loose dir (v2)'), source: 'directory' });
  });

  it('a project file without a stack key names the stack after its directory', async () => {
    const found = await resolveStack({ paths: ['.'], cwd: join(root, 'other') });
    assert.deepEqual([found.stack, found.source, found.projectFile], ['other', 'directory', join(root, 'other', 'novaform.yml')]);
  });

  it('invalid names are refused with the place they came from', async () => {
    await assert.rejects(resolveStack({ paths: ['.'], cwd: join(root, 'bad') }), /novaform\.yaml: stack: 'no\/slashes' is not a valid stack name/);
    await assert.rejects(resolveStack({ paths: ['.'], cwd: join(root, 'other'), flag: '.hidden' }), /--stack: '\.hidden' is not a valid stack name/);
  });
});

describe('stack names', () => {
  const table: Array<[string, string | undefined]> = [['web', undefined], ['a.b_c-1', undefined], ['-x', 'invalid'], ['a/b', 'invalid'], ['', 'invalid'], ['x'.repeat(64), 'invalid']];
  for (const [name, problem] of table) it(`'${name.slice(0, 10)}' ${problem ?? 'valid'}`, () => assert.equal(stackNameProblem(name) === undefined, problem === undefined));
  it('directory names become stack names', () => {
    assert.deepEqual(['My Project (old)', '.hidden', '---', 'ok'].map(stackNameFromDirectory), ['My-Project-old', 'hidden', undefined, 'ok']);
  });
});
