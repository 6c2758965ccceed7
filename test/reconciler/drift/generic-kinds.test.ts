import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KIND_NAMES } from '../../../provider/resources/registry.ts';

/**
 * Drift is generic over kinds (DESIGN.md "A kind is a module"): what it
 * needs of a kind comes from the registry and the module's members, so a
 * new kind is reported without a change here. Any quoted kind name or a
 * switch on a kind in reconciler/drift/ fails this test; 'ServerGroup' is
 * listed by hand so the check holds before its module is registered.
 */

const DRIFT_DIR = fileURLToPath(new URL('../../../reconciler/drift/', import.meta.url));

describe('reconciler/drift knows no kind by name', () => {
  it('no quoted kind name and no switch on a kind in any source file', async () => {
    const kinds = [...new Set([...KIND_NAMES, 'ServerGroup'])];
    const quoted = new RegExp(`(['"\`])(${kinds.join('|')})\\1`);
    const files = (await readdir(DRIFT_DIR)).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10, `found the drift sources (${files.length})`);
    const problems: string[] = [];
    for (const file of files) {
      const lines = (await readFile(join(DRIFT_DIR, file), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (quoted.test(line) || /switch\s*\([^)]*\bkind\b/.test(line)) problems.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(problems, []);
  });
});
