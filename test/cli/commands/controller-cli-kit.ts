import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControllerStatus } from '../../../controller/controller-model.ts';
import { controllerDir, type ControllerStore } from '../../../controller/controller-store.ts';
import { openBackend } from '../../../reconciler/state/open-backend.ts';
import { spawnCli } from '../../e2e/e2e-kit.ts';
import type { RunOutcome } from './apply-cli-kit.ts';
import { backendUnderTestEnv } from '../../helpers/backend-under-test.ts';

/**
 * The controller commands (status, events, approve, suspend, resume) run
 * as the real `novaform` process in a temp project of stack `shop`, whose
 * controller records the test fills through the store, as the controller
 * would, in the backend under test (files, or the PostgreSQL database
 * NOVAFORM_BACKEND names under `npm run test:postgres`). No engine: these
 * commands never talk to a cloud.
 */

export interface ControllerCliKit {
  /** The project directory (the commands' cwd); `infra/` holds a manifest. */
  readonly dir: string;
  /** The controller records of stack `shop`, in the backend the commands use. */
  readonly store: ControllerStore;
  /** The controller folder of stack `shop` on files; undefined when the backend under test is not files. */
  readonly folder: string | undefined;
  run(args: string[]): Promise<RunOutcome>;
  close(): Promise<void>;
}

export async function openControllerCliKit(name: string): Promise<ControllerCliKit> {
  const root = await mkdtemp(join(tmpdir(), `novaform-controller-cli-${name}-`));
  const dir = join(root, 'project');
  await mkdir(join(dir, 'infra'), { recursive: true });
  await writeFile(join(dir, 'novaform.yaml'), 'stack: shop\n');
  await writeFile(join(dir, 'infra', 'web.yaml'), 'apiVersion: novaform/v1\nkind: Keypair\nmetadata:\n  name: ops\nspec:\n  publicKey: ssh-ed25519 AAAA ops\n');
  const env = backendUnderTestEnv();
  const backend = await openBackend(env.NOVAFORM_BACKEND, join(dir, '.novaform'));
  return {
    dir,
    store: backend.controllerStore<ControllerStatus>('shop'),
    folder: env.NOVAFORM_BACKEND ? undefined : controllerDir(dir, 'shop'),
    run: (args) => spawnCli(args, { cwd: dir, env: { HOME: root, NO_COLOR: '1', ...env } }),
    close: async () => {
      await backend.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A real HTTP server on 127.0.0.1 standing in for a running controller; `handle` answers each request. */
export async function fakeController(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Answers `/status` with `body` as JSON, anything else 404. */
export function serveStatus(body: unknown): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.url !== '/status') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}
