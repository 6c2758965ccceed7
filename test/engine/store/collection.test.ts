import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Collection } from '../../../engine/store/collection.ts';
import { openStore } from '../../../engine/store/store.ts';

describe('Collection', () => {
  it('persists puts, updates and deletes to a nedb datafile and reloads them in insertion order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novaform-collection-'));
    try {
      const first = await Collection.open<{ id: string; n: number; tags?: string[] }>('things', dir);
      await first.put({ id: 'b', n: 1 });
      await first.put({ id: 'a', n: 2, tags: ['x'] });
      const a = first.get('a')!;
      a.n = 3;
      await first.put(a);
      await first.put({ id: 'c', n: 4 });
      assert.equal(await first.delete('c'), true);
      assert.equal(await first.delete('c'), false);
      assert.match(await readFile(join(dir, 'things.db'), 'utf8'), /"_id":"a"/);

      const second = await Collection.open<{ id: string; n: number; tags?: string[] }>('things', dir);
      assert.deepEqual(second.all(), [{ id: 'b', n: 1 }, { id: 'a', n: 3, tags: ['x'] }]);
      assert.equal(second.size, 2);
      assert.equal(second.get('c'), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('changes the in-memory view before the write settles', async () => {
    const c = await Collection.open<{ id: string }>('mem', undefined);
    const pending = c.put({ id: 'x' });
    assert.equal(c.has('x'), true);
    await pending;
    assert.deepEqual(c.filter((i) => i.id === 'x'), [{ id: 'x' }]);
    assert.deepEqual(c.find((i) => i.id === 'x'), { id: 'x' });
  });
});

describe('openStore', () => {
  it('keeps integer sequences across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'novaform-store-'));
    try {
      const store = await openStore(dir);
      assert.equal(store.fresh, true);
      assert.equal(store.nextId('aggregate'), 1);
      assert.equal(store.nextId('aggregate'), 2);
      await store.projects.put({ id: 'p', name: 'p', domainId: 'default', description: '', enabled: true });
      await new Promise((r) => setTimeout(r, 50));
      const again = await openStore(dir);
      assert.equal(again.fresh, false);
      assert.equal(again.nextId('aggregate'), 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
