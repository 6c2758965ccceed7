import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openControllerStore, type ControllerStore } from '../../../controller/controller-store.ts';
import { spawnCli } from '../../e2e/e2e-kit.ts';
import type { RunOutcome } from './apply-cli-kit.ts';
import { backendUnderTestEnv } from '../../helpers/backend-under-test.ts';

/**
 * The controller commands (status, events, approve, suspend, resume) run
 * as the real `novaform` process in a temp project of stack `shop`, whose
 * controller folder the test fills through the store, as the controller
 * would. No engine: these commands never talk to a cloud.
 */

export interface ControllerCliKit {
  /** The project directory (the commands' cwd); `infra/` holds a manifest. */
  readonly dir: string;
  /** The controller folder of stack `shop`. */
  readonly store: ControllerStore;
  run(args: string[]): Promise<RunOutcome>;
  close(): Promise<void>;
}

export async function openControllerCliKit(name: string): Promise<ControllerCliKit> {
  const root = await mkdtemp(join(tmpdir(), `novaform-controller-cli-${name}-`));
  const dir = join(root, 'project');
  await mkdir(join(dir, 'infra'), { recursive: true });
  await writeFile(join(dir, 'novaform.yaml'), 'stack: shop\n');
  await writeFile(join(dir, 'infra', 'web.yaml'), 'apiVersion: novaform/v1\nkind: Keypair\nmetadata:\n  name: ops\nspec:\n  publicKey: ssh-ed25519 AAAA ops\n');
  return {
    dir,
    store: openControllerStore(dir, 'shop'),
    run: (args) => spawnCli(args, { cwd: dir, env: { HOME: root, NO_COLOR: '1', ...backendUnderTestEnv() } }),
    close: () => rm(root, { recursive: true, force: true }),
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
