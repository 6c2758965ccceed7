import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegister } from 'prom-client';
import { ControllerMetrics, RESOURCE_PHASES } from '../../controller/metrics.ts';
import { KIND_NAMES } from '../../provider/resources/registry.ts';
import { resource, sampleStatus } from './http/in-memory-view.ts';
import { parsePrometheusText, sampleValue } from './http/prometheus-text.ts';

describe('the strict Prometheus text parser (so the metric tests can fail)', () => {
  it('accepts a well-formed exposition', () => {
    const families = parsePrometheusText('# HELP a_total A \\\\ b.\n# TYPE a_total counter\na_total{x="q\\"\\n",y="2"} 3.5e1\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 0.5\nh_count 2\n');
    assert.equal(sampleValue(families, 'a_total', { x: 'q"\n' }), 35);
    assert.equal(sampleValue(families, 'h_count'), 2);
  });

  for (const [why, text] of [
    ['a sample without TYPE', 'a 1\n'],
    ['a TYPE after samples', '# TYPE a gauge\na 1\n# TYPE a gauge\n'],
    ['a bad float', '# TYPE a gauge\na one\n'],
    ['a bad label escape', '# TYPE a gauge\na{x="\\t"} 1\n'],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n'],
    ['no final newline', '# TYPE a gauge\na 1'],
    ['an unknown type', '# TYPE a meter\n'],
    ['an unquoted label', '# TYPE a gauge\na{x=1} 1\n'],
  ]) {
    it(`rejects ${why}`, () => assert.throws(() => parsePrometheusText(text!)));
  }
});

describe('ControllerMetrics', () => {
  it('counts passes by trigger and result, and times them in a histogram', async () => {
    const metrics = new ControllerMetrics();
    const first = metrics.passStarted('resync');
    first('ok');
    first('failed'); // ignored: a pass ends once
    metrics.passStarted('resync')('failed');
    metrics.passStarted('manifests')('ok');
    const families = parsePrometheusText(await metrics.text());
    assert.equal(families.get('novaform_passes_total')!.type, 'counter');
    assert.equal(sampleValue(families, 'novaform_passes_total', { trigger: 'resync', result: 'ok' }), 1);
    assert.equal(sampleValue(families, 'novaform_passes_total', { trigger: 'resync', result: 'failed' }), 1);
    assert.equal(sampleValue(families, 'novaform_passes_total', { trigger: 'manifests', result: 'ok' }), 1);
    assert.equal(families.get('novaform_pass_duration_seconds')!.type, 'histogram');
    assert.equal(sampleValue(families, 'novaform_pass_duration_seconds_count', { trigger: 'resync' }), 2);
    assert.equal(sampleValue(families, 'novaform_pass_duration_seconds_bucket', { trigger: 'resync', le: '+Inf' }), 2);
  });

  it('sets resources per phase (every phase, 0 when none), drift per kind, approvals waiting and queue depth', async () => {
    const metrics = new ControllerMetrics();
    metrics.observe(sampleStatus(), 3);
    let families = parsePrometheusText(await metrics.text());
    assert.deepEqual(families.get('novaform_resources')!.samples.map((s) => s.labels.phase).sort(), [...RESOURCE_PHASES].sort());
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'Ready' }), 2);
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'Drifted' }), 1);
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'ApprovalNeeded' }), 1);
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'Stalled' }), 0);
    assert.deepEqual(families.get('novaform_drift_resources')!.samples.map((s) => s.labels.kind).sort(), [...KIND_NAMES].sort());
    assert.equal(sampleValue(families, 'novaform_drift_resources', { kind: 'Volume' }), 1);
    assert.equal(sampleValue(families, 'novaform_drift_resources', { kind: 'Server' }), 1);
    assert.equal(sampleValue(families, 'novaform_drift_resources', { kind: 'Flavor' }), 0);
    assert.equal(sampleValue(families, 'novaform_approvals_waiting'), 1);
    assert.equal(sampleValue(families, 'novaform_queue_depth'), 3);

    // A later observation replaces the earlier one: nothing lingers at its old value.
    metrics.observe({ resources: [resource('Server/web', 'Stalled')] }, 0);
    families = parsePrometheusText(await metrics.text());
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'Ready' }), 0);
    assert.equal(sampleValue(families, 'novaform_resources', { phase: 'Stalled' }), 1);
    assert.equal(sampleValue(families, 'novaform_drift_resources', { kind: 'Volume' }), 0);
    assert.equal(sampleValue(families, 'novaform_approvals_waiting'), 0);
    assert.equal(sampleValue(families, 'novaform_queue_depth'), 0);
  });

  it('counts cloud calls by service, method and status ("error" without an answer) and times them', async () => {
    const metrics = new ControllerMetrics();
    metrics.cloudCall({ service: 'compute', method: 'GET', status: 200, elapsedMs: 20 });
    metrics.cloudCall({ service: 'compute', method: 'GET', status: 200, elapsedMs: 40 });
    metrics.cloudCall({ service: 'compute', method: 'POST', status: 503, elapsedMs: 10 });
    metrics.cloudCall({ service: 'volumev3', method: 'GET', status: 'error', elapsedMs: 3000 });
    const families = parsePrometheusText(await metrics.text());
    assert.equal(sampleValue(families, 'novaform_cloud_api_calls_total', { service: 'compute', method: 'GET', status: '200' }), 2);
    assert.equal(sampleValue(families, 'novaform_cloud_api_calls_total', { service: 'compute', method: 'POST', status: '503' }), 1);
    assert.equal(sampleValue(families, 'novaform_cloud_api_calls_total', { service: 'volumev3', method: 'GET', status: 'error' }), 1);
    assert.equal(sampleValue(families, 'novaform_cloud_api_call_duration_seconds_count', { service: 'compute', method: 'GET' }), 2);
    assert.ok(Math.abs(sampleValue(families, 'novaform_cloud_api_call_duration_seconds_sum', { service: 'compute', method: 'GET' }) - 0.06) < 1e-9);
    assert.equal(sampleValue(families, 'novaform_cloud_api_call_duration_seconds_bucket', { service: 'volumev3', method: 'GET', le: '2.5' }), 0);
    assert.equal(sampleValue(families, 'novaform_cloud_api_call_duration_seconds_bucket', { service: 'volumev3', method: 'GET', le: '5' }), 1);
  });

  it('has its own registry with prefixed process metrics, never the global one; two instances do not clash', async () => {
    const a = new ControllerMetrics();
    const b = new ControllerMetrics();
    a.cloudCall({ service: 'compute', method: 'GET', status: 200, elapsedMs: 1 });
    const families = parsePrometheusText(await b.text());
    assert.ok(families.has('novaform_process_cpu_seconds_total'));
    assert.ok([...families.keys()].every((name) => name.startsWith('novaform_')), 'every metric is prefixed');
    assert.equal(families.get('novaform_cloud_api_calls_total')!.samples.length, 0);
    assert.equal(globalRegister.getSingleMetric('novaform_passes_total'), undefined);
    assert.match(a.contentType, /^text\/plain; version=0\.0\.4/);
  });
});
