import type { ControllerEvent, ControllerStatus, ResourceStatus } from '../../../controller/controller-model.ts';
import type { ControllerView } from '../../../controller/http/controller-view.ts';

/**
 * A plain in-memory ControllerView for the HTTP tests (not a mock: it keeps
 * events, listeners and approvals as the controller would, and tests read
 * what it recorded).
 */
export class InMemoryView implements ControllerView {
  current: ControllerStatus;
  readonly log: ControllerEvent[] = [];
  readonly approvals: { key: string; fingerprint: string; by: string }[] = [];
  alive = true;
  readiness: { ready: boolean; reason?: string } = { ready: true };
  private readonly listeners = new Set<(event: ControllerEvent) => void>();

  constructor(status: ControllerStatus = sampleStatus()) {
    this.current = status;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  status(): ControllerStatus {
    return this.current;
  }

  events(query: { since?: number; limit?: number }): readonly ControllerEvent[] {
    return this.log.filter((e) => e.seq > (query.since ?? -1)).slice(0, query.limit ?? 100);
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async approve(key: string, fingerprint: string, by: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const resource = this.current.resources.find((r) => r.key === key);
    if (!resource?.approval) return { ok: false, reason: `${key} waits for no approval` };
    if (resource.approval.fingerprint !== fingerprint) return { ok: false, reason: `${key}: the change waiting is not the one approved (it changed since)` };
    this.approvals.push({ key, fingerprint, by });
    return { ok: true };
  }

  healthy(): boolean {
    return this.alive;
  }

  ready(): { ready: boolean; reason?: string } {
    return this.readiness;
  }

  /** Appends an event with the next seq and tells every subscriber. */
  publish(event: Omit<ControllerEvent, 'seq' | 'time'> & { time?: string }): ControllerEvent {
    const full: ControllerEvent = { seq: (this.log.at(-1)?.seq ?? 0) + 1, time: event.time ?? '2026-01-02T03:04:05.000Z', level: event.level, reason: event.reason, message: event.message, ...(event.key ? { key: event.key } : {}) };
    this.log.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }
}

const T = '2026-01-02T03:04:05.000Z';

/** One resource in a given phase, with conditions that match it. */
export function resource(key: string, phase: ResourceStatus['phase'], extra: Partial<ResourceStatus> = {}): ResourceStatus {
  const [kind, name] = key.split('/') as [ResourceStatus['kind'], string];
  return {
    key,
    kind,
    name,
    phase,
    conditions: [
      { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason: phase === 'Ready' ? 'InSync' : phase, message: `${key} is ${phase}`, lastTransitionTime: T },
      { type: 'Reconciling', status: phase === 'Reconciling' ? 'True' : 'False', reason: phase === 'Reconciling' ? 'Creating' : 'Idle', message: '', lastTransitionTime: T },
      { type: 'Stalled', status: phase === 'Stalled' ? 'True' : 'False', reason: phase === 'Stalled' ? 'TerminalError' : 'None', message: '', lastTransitionTime: T },
    ],
    changes: [],
    dependsOn: [],
    managementPolicy: 'manage',
    paused: false,
    failures: 0,
    lastSyncTime: T,
    observedManifestDigest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ...extra,
  };
}

/** A stack of four resources: a server waiting for a resize approval on a flavor, keypair and volume. */
export function sampleStatus(overrides: Partial<ControllerStatus> = {}): ControllerStatus {
  return {
    version: 1,
    stack: 'quickstart',
    cloud: 'engine',
    pid: 4242,
    hostname: 'ci-host',
    startedAt: T,
    updatedAt: T,
    leader: true,
    suspended: false,
    dryRun: false,
    prune: true,
    autoApprove: [],
    source: { type: 'paths', paths: ['examples/quickstart'] },
    manifests: { valid: true, errors: [], lastValidTime: T, documents: 4 },
    lastPass: { trigger: 'resync', startedAt: T, finishedAt: T, durationMs: 120, changed: 0, failed: 0 },
    resources: [
      resource('Flavor/m1.small', 'Ready'),
      resource('Keypair/deploy', 'Ready'),
      resource('Volume/data', 'Drifted', { changes: [{ path: 'spec.metadata.owner', from: 'ops', to: 'web' }], dependsOn: [] }),
      resource('Server/web', 'ApprovalNeeded', {
        action: 'resize',
        changes: [{ path: 'spec.flavor', from: 'm1.large', to: 'm1.small' }],
        dependsOn: ['Flavor/m1.small', 'Keypair/deploy', 'Volume/data'],
        approval: { action: 'resize', reasons: ['resize'], changes: [{ path: 'spec.flavor', from: 'm1.large', to: 'm1.small' }], fingerprint: 'fp-resize-1', since: T },
      }),
    ],
    ...overrides,
  };
}
