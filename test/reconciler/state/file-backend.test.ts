import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileBackend } from '../../../reconciler/state/file-backend.ts';
import { backendContract } from './backend-contract.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

backendContract('files', {
  skip: false,
  async fresh() {
    const root = await mkdtemp(join(tmpdir(), 'novaform-backend-'));
    dirs.push(root);
    const stateDir = join(root, '.novaform');
    return {
      location: 'files',
      stateDir,
      open: async () => fileBackend(stateDir),
      // Name, size, mtime and content of every file of the stack (the lock file excluded: it is not state).
      async stored(stack) {
        const path = join(stateDir, 'state', stack);
        const names = (await readdir(path).catch(() => [] as string[])).filter((n) => n !== 'lock').sort();
        const parts = await Promise.all(names.map(async (n) => {
          const info = await stat(join(path, n));
          return `${n} ${info.size} ${info.mtimeMs}\n${await readFile(join(path, n), 'utf8')}`;
        }));
        return parts.join('\n');
      },
    };
  },
});
