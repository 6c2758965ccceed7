import { atLeast, type Microversion } from '../../http/microversion.ts';
import type { ServiceRecord } from './service-registry.ts';

/**
 * One service as os-services shows it (compute/services.py
 * `_get_service_detail`): the integer id below 2.53, the uuid from 2.53,
 * `forced_down` from 2.11. Key order follows Nova's dict.
 */
export function serviceView(service: ServiceRecord, v: Microversion, updatedAt = service.updatedAt): Record<string, unknown> {
  const view: Record<string, unknown> = {
    binary: service.binary,
    host: service.host,
    id: atLeast(v, 2, 53) ? service.uuid : service.id,
    zone: service.zone,
    status: service.enabled ? 'enabled' : 'disabled',
    state: service.up ? 'up' : 'down',
    updated_at: updatedAt,
    disabled_reason: service.disabledReason,
  };
  if (atLeast(v, 2, 11)) view.forced_down = service.forcedDown;
  return view;
}
