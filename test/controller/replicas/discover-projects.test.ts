import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverProjects, ProjectsError } from '../../../controller/replicas/discover-projects.ts';

describe('discoverProjects: the stacks under watched paths', () => {
  let root: string;
  const project = async (dir: string, text = '') => {
    await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, dir, 'novaform.yaml'), text);
  };
  before(async () => { root = await mkdtemp(join(tmpdir(), 'novaform-projects-')); });
  after(() => rm(root, { recursive: true, force: true }));

  it('one stack per folder with a project file, named as every command names it, sorted; hidden folders skipped', async () => {
    await project('a/web', 'stack: zeta\n');
    await project('a/api');
    await project('a/.novaform/x');
    const found = await discoverProjects(['a'], root);
    assert.deepEqual(found.map((p) => [p.stack, p.projectDir]), [['api', join(root, 'a/api')], ['zeta', join(root, 'a/web')]]);
  });

  it('a folder without project files below it holds no projects (a one-stack watch)', async () => {
    await mkdir(join(root, 'plain'), { recursive: true });
    assert.deepEqual(await discoverProjects(['plain'], root), []);
  });

  it('refuses nested projects and two projects naming one stack, in one line', async () => {
    await project('n');
    await project('n/inner');
    await assert.rejects(discoverProjects(['n'], root), (e: Error) => e instanceof ProjectsError && /inside the project/.test(e.message) && !e.message.includes('\n'));
    await project('d/one', 'stack: same\n');
    await project('d/two', 'stack: same\n');
    await assert.rejects(discoverProjects(['d'], root), (e: Error) => e instanceof ProjectsError && /two projects name stack 'same'/.test(e.message));
  });
});
