import { schemaIds, tempestProblems, type Service } from '../fidelity/tempest-schemas.ts';

/**
 * Tempest 33's response schemas by name, for the engine's unit tests. The
 * schemas are the fidelity suite's dump (test/engine/fidelity/
 * tempest-schemas.json, from scripts/dump-tempest-schemas.py), so there is
 * one copy, kept equal to Debian's python3-tempest by a test.
 *
 * `name` is tempest's schema name, optionally with the microversion it is
 * checked at as a suffix: `show_volume` (3.0), `show_volume_v365` (3.65),
 * `get_limit_v236` (2.36). The schema that applies at that version is used
 * (tempest's folders: a schema holds until a later folder overrides it).
 */
export function assertTempestSchema(service: Service, name: string, status: number, body: unknown): void {
  const match = /^(.+?)(?:_v(\d)(\d+))?$/.exec(name)!;
  const base = match[1]!;
  const version = match[2] ? `${match[2]}.${match[3]}` : service === 'compute' ? '2.1' : '3.0';
  const id = schemaIds(service).find((candidate) => candidate.endsWith(`.${base}`));
  if (!id) throw new Error(`no tempest schema ${service}.${base}`);
  const problems = tempestProblems(service, id, version, { status, body });
  if (problems.length > 0) throw new Error(`${service}.${id} at ${version}: ${problems.join('; ')}\n${JSON.stringify(body)}`);
}
