import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanAction } from '../../../reconciler/plan/plan-model.ts';
import { findCycle, nextMoves, prerequisites, StepScheduler, type NodeState, type ScheduleNode } from '../../../reconciler/apply/schedule.ts';

function node(key: string, action: PlanAction, dependsOn: string[] = [], refersInCloud: string[] = []): ScheduleNode {
  return { key, action, dependsOn, refersInCloud };
}

/** Prerequisites as `key <- keys`, so the table reads like the rule. */
function edges(nodes: ScheduleNode[]): Record<string, string[]> {
  const before = prerequisites(nodes);
  return Object.fromEntries(nodes.map((n, i) => [n.key, before[i]!.map((j) => nodes[j]!.key)]));
}

describe('prerequisites', () => {
  const rows: Array<{ name: string; nodes: ScheduleNode[]; expect: Record<string, string[]> }> = [
    {
      name: 'creates in dependency order',
      nodes: [node('Flavor/f', 'create'), node('Keypair/k', 'create'), node('Server/s', 'create', ['Flavor/f', 'Keypair/k'])],
      expect: { 'Flavor/f': [], 'Keypair/k': [], 'Server/s': ['Flavor/f', 'Keypair/k'] },
    },
    {
      name: 'a noop dependency is still a (trivially met) prerequisite',
      nodes: [node('Flavor/f', 'noop'), node('Server/s', 'update', ['Flavor/f'])],
      expect: { 'Flavor/f': [], 'Server/s': ['Flavor/f'] },
    },
    {
      name: 'dependencies outside the plan are ignored',
      nodes: [node('Server/s', 'create', ['Flavor/elsewhere'])],
      expect: { 'Server/s': [] },
    },
    {
      name: 'deletes in reverse: the server before its volume and flavor',
      nodes: [node('Flavor/f', 'delete'), node('Volume/v', 'delete'), node('Server/s', 'delete', ['Flavor/f', 'Volume/v'])],
      expect: { 'Flavor/f': ['Server/s'], 'Volume/v': ['Server/s'], 'Server/s': [] },
    },
    {
      name: 'a delete does not wait for the update of what it referred to',
      nodes: [node('Flavor/f', 'update'), node('Server/s', 'delete', ['Flavor/f'])],
      expect: { 'Flavor/f': [], 'Server/s': [] },
    },
    {
      name: 'a replaced volume waits for the deletion of the server that had it attached',
      nodes: [node('Volume/v', 'replace'), node('Server/s', 'delete', [], ['Volume/v'])],
      expect: { 'Volume/v': ['Server/s'], 'Server/s': [] },
    },
    {
      name: 'a volume is deleted after the server update that detaches it',
      nodes: [node('Volume/v', 'delete'), node('Server/s', 'update', ['Flavor/f'], ['Flavor/f', 'Volume/v'])],
      expect: { 'Volume/v': ['Server/s'], 'Server/s': [] },
    },
    {
      name: 'a create never holds up a delete (it refers to nothing yet)',
      nodes: [node('Volume/v', 'delete'), node('Server/s', 'create', [], ['Volume/v'])],
      expect: { 'Volume/v': [], 'Server/s': [] },
    },
    {
      name: 'a non-delete does not wait for a delete it names',
      nodes: [node('Flavor/f', 'delete'), node('Server/s', 'update', ['Flavor/f'])],
      expect: { 'Flavor/f': [], 'Server/s': [] },
    },
    {
      name: 'a server replace waits for its new flavor; the old flavor goes after the pruned server',
      nodes: [
        node('Flavor/new', 'create'), node('Flavor/old', 'delete'),
        node('Server/a', 'replace', ['Flavor/new'], ['Flavor/old']), node('Server/b', 'delete', ['Flavor/old']),
      ],
      expect: { 'Flavor/new': [], 'Flavor/old': ['Server/a', 'Server/b'], 'Server/a': ['Flavor/new'], 'Server/b': [] },
    },
    {
      name: 'the planner\'s `after` is taken as is, and derived edges do not touch such a node',
      nodes: [
        { ...node('Aggregate/a', 'update'), after: [] }, { ...node('Aggregate/b', 'update'), after: ['Aggregate/a'] },
        { ...node('Volume/v', 'delete'), after: [] }, node('Server/s', 'delete', ['Volume/v']),
      ],
      expect: { 'Aggregate/a': [], 'Aggregate/b': ['Aggregate/a'], 'Volume/v': [], 'Server/s': [] },
    },
    {
      name: 'self references add nothing',
      nodes: [node('Server/s', 'delete', ['Server/s'], ['Server/s'])],
      expect: { 'Server/s': [] },
    },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(edges(row.nodes), row.expect));
  }
});

describe('nextMoves', () => {
  const rows: Array<{ name: string; before: number[][]; states: NodeState[]; run: number[]; skip: Array<[number, number]> }> = [
    { name: 'independent nodes all run, in plan order', before: [[], [], []], states: ['pending', 'pending', 'pending'], run: [0, 1, 2], skip: [] },
    { name: 'a dependent waits for a running prerequisite', before: [[], [0]], states: ['running', 'pending'], run: [], skip: [] },
    { name: 'a dependent runs once its prerequisite is done', before: [[], [0]], states: ['done', 'pending'], run: [1], skip: [] },
    { name: 'a failure skips dependents transitively', before: [[], [0], [1], []], states: ['failed', 'pending', 'pending', 'pending'], run: [3], skip: [[1, 0], [2, 1]] },
    { name: 'a skipped prerequisite skips too', before: [[], [0]], states: ['skipped', 'pending'], run: [], skip: [[1, 0]] },
    { name: 'all prerequisites must be done', before: [[], [], [0, 1]], states: ['done', 'running', 'pending'], run: [], skip: [] },
    { name: 'one failed of several is enough to skip', before: [[], [], [0, 1]], states: ['done', 'failed', 'pending'], run: [], skip: [[2, 1]] },
    { name: 'finished nodes are left alone', before: [[], [0]], states: ['done', 'done'], run: [], skip: [] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const moves = nextMoves(row.before, row.states);
      assert.deepEqual(moves.run, row.run);
      assert.deepEqual(moves.skip.map((s) => [s.index, s.because]), row.skip);
    });
  }
});

describe('findCycle', () => {
  it('finds a cycle among pending nodes', () => {
    const cycle = findCycle([[1], [2], [0], []], new Set([0, 1, 2]));
    assert.equal(cycle.length, 4);
    assert.equal(cycle[0], cycle.at(-1));
    assert.deepEqual(new Set(cycle), new Set([0, 1, 2]));
  });
  it('none in a DAG', () => assert.deepEqual(findCycle([[], [0], [0, 1]], new Set([0, 1, 2])), []));
  it('ignores nodes that are not pending', () => assert.deepEqual(findCycle([[1], [0]], new Set([0])), []));
});

describe('StepScheduler', () => {
  it('answers after every start and finish what nextMoves answers from scratch', () => {
    // A seeded random plan: 60 nodes, each after up to 3 earlier ones; random outcomes.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const before = Array.from({ length: 60 }, (_, i) => [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * i)))].filter((j) => j < i).sort((a, b) => a - b));
    const states: NodeState[] = before.map(() => 'pending');
    const scheduler = new StepScheduler(before, states);
    for (let guard = 0; guard < 1000; guard += 1) {
      const expected = nextMoves(before, states);
      const skipped = scheduler.takeSkips();
      for (const { index } of skipped) states[index] = 'skipped';
      assert.deepEqual(skipped.map((s) => s.index).sort((a, b) => a - b), expected.skip.map((s) => s.index).sort((a, b) => a - b));
      assert.deepEqual([...scheduler.ready()], nextMoves(before, states).run);
      const running = states.flatMap((s, i) => (s === 'running' ? [i] : []));
      const ready = scheduler.ready();
      if (ready.length === 0 && running.length === 0) break;
      if (ready.length > 0 && (running.length === 0 || random() < 0.5)) {
        const i = ready[Math.floor(random() * ready.length)]!;
        states[i] = 'running';
        scheduler.started(i);
      } else {
        const i = running[Math.floor(random() * running.length)]!;
        states[i] = random() < 0.15 ? 'failed' : 'done';
        scheduler.finished(i, states[i] as 'done' | 'failed');
      }
    }
    assert.ok(states.every((s) => s === 'done' || s === 'failed' || s === 'skipped'), 'every node ended');
    assert.ok(states.includes('skipped') && states.includes('failed'), 'the run met failures and skips');
  });
});
