import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Tempest 33's response schemas (tempest/lib/api_schema/response/...),
 * dumped to JSON with Debian's python3-tempest, so the engine's bodies are
 * checked against the exact key sets and types Tempest enforces on real
 * OpenStack. Formats follow tempest's checker: `uuid` with or without
 * dashes (oslo `is_uuid_like`; Draft 4 itself does not check it),
 * `iso8601-date-time` as oslo's parse_isotime accepts.
 */
const schemas = JSON.parse(readFileSync(new URL('./tempest-response-schemas.json', import.meta.url), 'utf8')) as
  Record<'volume' | 'compute', Record<string, { status_code: number[]; response_body?: object }>>;

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uuid', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i);
// oslo timeutils.parse_isotime: ISO 8601, zone optional (Cinder's timestamps are naive).
ajv.addFormat('iso8601-date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
ajv.addFormat('uri', /^https?:\/\//);
const compiled = new Map<string, ValidateFunction>();

/** Throws with ajv's errors unless `status` and `body` match tempest's schema `service.name`. */
export function assertTempestSchema(service: 'volume' | 'compute', name: string, status: number, body: unknown): void {
  const schema = schemas[service][name];
  if (!schema) throw new Error(`no tempest schema ${service}.${name}`);
  if (!schema.status_code.includes(status)) throw new Error(`${service}.${name}: status ${status} not in ${schema.status_code.join(',')}`);
  if (!schema.response_body) return;
  const key = `${service}.${name}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema.response_body);
    compiled.set(key, validate);
  }
  if (!validate(body)) throw new Error(`${key}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}
