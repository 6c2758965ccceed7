import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { KIND_NAMES } from '../provider/resources/registry.ts';
import type { ControllerStatus, ResourcePhase } from './controller-model.ts';

/**
 * Every phase, so `novaform_resources{phase}` always shows all of them (a
 * missing series and a zero mean different things to an alert). A Record
 * makes the compiler fail when a phase is added to the model and not here.
 */
const PHASES: Record<ResourcePhase, true> = {
  Ready: true,
  Reconciling: true,
  Waiting: true,
  ApprovalNeeded: true,
  BackingOff: true,
  Stalled: true,
  Drifted: true,
  Paused: true,
};

/** The phases, in the model's order. */
export const RESOURCE_PHASES = Object.keys(PHASES) as ResourcePhase[];

/** A pass runs from milliseconds (nothing to do) to minutes (servers booting). */
const PASS_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** One cloud API call: tens of milliseconds to tens of seconds. */
const CALL_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The controller's Prometheus metrics (prefix `novaform_`), on a registry of
 * its own: never prom-client's global one, so two controllers (or tests) in
 * one process never share or clash over series.
 *
 * - `novaform_passes_total{trigger,result}`: passes finished, `result` = `ok` | `failed`.
 * - `novaform_pass_duration_seconds{trigger}`: histogram of pass durations.
 * - `novaform_queue_depth`: keys waiting in the work queue.
 * - `novaform_resources{phase}`: resources per phase, every phase present (0 when none).
 * - `novaform_drift_resources{kind}`: resources whose cloud differs from the manifest, every kind present.
 * - `novaform_approvals_waiting`: changes waiting for approval.
 * - `novaform_cloud_api_calls_total{service,method,status}`: cloud calls; `status` = the HTTP status, or `error` with no answer.
 * - `novaform_cloud_api_call_duration_seconds{service,method}`: histogram of cloud call durations.
 * - the process metrics of prom-client's `collectDefaultMetrics`, prefixed `novaform_`.
 *
 * @example
 * const metrics = new ControllerMetrics();
 * const done = metrics.passStarted('resync');
 * metrics.cloudCall({ service: 'compute', method: 'GET', status: 200, elapsedMs: 42 });
 * done('ok');
 * metrics.observe(controller.status(), queue.depth);
 * reply.type(metrics.contentType).send(await metrics.text());
 */
export class ControllerMetrics {
  /** The registry every metric here is registered on. */
  readonly registry = new Registry();
  private readonly passes: Counter<'trigger' | 'result'>;
  private readonly passDuration: Histogram<'trigger'>;
  private readonly queueDepth: Gauge;
  private readonly resources: Gauge<'phase'>;
  private readonly drift: Gauge<'kind'>;
  private readonly approvalsWaiting: Gauge;
  private readonly cloudCalls: Counter<'service' | 'method' | 'status'>;
  private readonly cloudCallDuration: Histogram<'service' | 'method'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'novaform_' });
    this.passes = new Counter({ name: 'novaform_passes_total', help: 'Reconcile passes finished, by trigger and result (ok or failed).', labelNames: ['trigger', 'result'], registers });
    this.passDuration = new Histogram({ name: 'novaform_pass_duration_seconds', help: 'Duration of reconcile passes in seconds, by trigger.', labelNames: ['trigger'], buckets: PASS_BUCKETS_S, registers });
    this.queueDepth = new Gauge({ name: 'novaform_queue_depth', help: 'Resource keys waiting in the work queue.', registers });
    this.resources = new Gauge({ name: 'novaform_resources', help: 'Resources by phase (Ready, Reconciling, Waiting, ApprovalNeeded, BackingOff, Stalled, Drifted, Paused).', labelNames: ['phase'], registers });
    this.drift = new Gauge({ name: 'novaform_drift_resources', help: 'Resources whose cloud object differs from their manifest, by kind.', labelNames: ['kind'], registers });
    this.approvalsWaiting = new Gauge({ name: 'novaform_approvals_waiting', help: 'Changes waiting for approval.', registers });
    this.cloudCalls = new Counter({ name: 'novaform_cloud_api_calls_total', help: 'Cloud API calls by service, HTTP method and status ("error" when the cloud gave no answer).', labelNames: ['service', 'method', 'status'], registers });
    this.cloudCallDuration = new Histogram({ name: 'novaform_cloud_api_call_duration_seconds', help: 'Duration of cloud API calls in seconds, by service and HTTP method.', labelNames: ['service', 'method'], buckets: CALL_BUCKETS_S, registers });
    this.observe({ resources: [] }, 0);
  }

  /** The `Content-Type` of `text()` (Prometheus text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Starts timing a pass; call the returned function once, when it ends.
   * Calls after the first are ignored, so a `finally` may call it again safely.
   *
   * @example
   * const done = metrics.passStarted('manifests');
   * try { await pass(); done('ok'); } catch (error) { done('failed'); throw error; }
   */
  passStarted(trigger: string): (result: 'ok' | 'failed') => void {
    const startedAt = performance.now();
    let ended = false;
    return (result) => {
      if (ended) return;
      ended = true;
      this.passes.inc({ trigger, result });
      this.passDuration.observe({ trigger }, (performance.now() - startedAt) / 1000);
    };
  }

  /**
   * Sets the gauges from a status document and the queue's depth. Every
   * phase and every kind is set, to 0 when none, so a series never lingers
   * at its last non-zero value.
   *
   * @example
   * metrics.observe(controller.status(), queue.size);
   */
  observe(status: Pick<ControllerStatus, 'resources'>, queueDepth: number): void {
    const byPhase = new Map<string, number>(RESOURCE_PHASES.map((phase) => [phase, 0]));
    const byKind = new Map<string, number>(KIND_NAMES.map((kind) => [kind, 0]));
    let approvals = 0;
    for (const resource of status.resources) {
      byPhase.set(resource.phase, (byPhase.get(resource.phase) ?? 0) + 1);
      if (resource.changes.length > 0) byKind.set(resource.kind, (byKind.get(resource.kind) ?? 0) + 1);
      if (resource.approval) approvals += 1;
    }
    for (const [phase, count] of byPhase) this.resources.set({ phase }, count);
    for (const [kind, count] of byKind) this.drift.set({ kind }, count);
    this.approvalsWaiting.set(approvals);
    this.queueDepth.set(queueDepth);
  }

  /**
   * Counts one cloud API call and its duration.
   *
   * @example
   * metrics.cloudCall({ service: 'compute', method: 'POST', status: 202, elapsedMs: 130 });
   * metrics.cloudCall({ service: 'volumev3', method: 'GET', status: 'error', elapsedMs: 30000 }); // no answer
   */
  cloudCall(info: { service: string; method: string; status: number | 'error'; elapsedMs: number }): void {
    this.cloudCalls.inc({ service: info.service, method: info.method, status: String(info.status) });
    this.cloudCallDuration.observe({ service: info.service, method: info.method }, Math.max(0, info.elapsedMs) / 1000);
  }

  /**
   * Every metric in Prometheus text exposition format.
   *
   * @example
   * const body = await metrics.text(); // '# HELP novaform_passes_total ...'
   */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
