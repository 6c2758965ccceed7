import { startControllerHttp, type ControllerHttp, type ControllerHttpOptions } from '../../controller/http/controller-http.ts';
import type { ControllerView } from '../../controller/http/controller-view.ts';
import type { ControllerMetrics } from '../../controller/metrics.ts';
import { CliError } from '../cli-error.ts';
import type { WatchOptions } from './watch-options.ts';

/**
 * Serves a watch's endpoints on `--listen`, or nothing with `--no-listen`.
 * A port in use is a one-line CliError.
 *
 * @example
 * const http = await serveWatch(options, metrics, view); // http?.url: http://127.0.0.1:9477
 */
export async function serveWatch(options: WatchOptions, metrics: ControllerMetrics, view: ControllerView, extra: Pick<ControllerHttpOptions, 'stackStatus'> = {}): Promise<ControllerHttp | undefined> {
  if (!options.listen) return undefined;
  const { host, port } = options.listen;
  return startControllerHttp({ host, port, metrics, allowUiApprove: options.allowUiApprove, view, ...extra })
    .catch((error: Error) => { throw new CliError(`--listen ${host}:${port}: ${error.message}`, 1); });
}
