import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfigFile, type EngineConfigInput } from '../../engine/config.ts';
import { startEngine, type RunningEngine } from '../../engine/server.ts';
import { CliError } from '../cli-error.ts';
import { engineServeCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';

/**
 * Writes clouds.yaml (no secrets) and secure.yaml (passwords, mode 0600)
 * for the engine's users, the split every OpenStack tool understands.
 */
async function writeCloudFiles(engine: RunningEngine, dir: string): Promise<{ clouds: string; secure: string; text: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cloudName = (user: string) => (user === 'admin' ? 'novaform-engine' : `novaform-engine-${user}`);
  const clouds = ['clouds:'];
  const secure = ['clouds:'];
  for (const user of engine.config.users) {
    clouds.push(
      `  ${cloudName(user.name)}:`,
      '    auth:',
      `      auth_url: ${engine.authUrl}`,
      `      username: ${user.name}`,
      `      project_name: ${user.project}`,
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      `    region_name: ${engine.config.region}`,
      '    interface: public',
      '    identity_api_version: 3',
    );
    secure.push(`  ${cloudName(user.name)}:`, '    auth:', `      password: ${JSON.stringify(user.password)}`);
  }
  const cloudsPath = join(dir, 'clouds.yaml');
  const securePath = join(dir, 'secure.yaml');
  const text = `${clouds.join('\n')}\n`;
  await writeFile(cloudsPath, text, { mode: 0o600 });
  await writeFile(securePath, `${secure.join('\n')}\n`, { mode: 0o600 });
  await chmod(securePath, 0o600);
  return { clouds: cloudsPath, secure: securePath, text };
}

/**
 * Removes what `writeCloudFiles` wrote: the files name this run's port and
 * hold the users' passwords, and mean nothing once the engine is gone. The
 * data directory itself stays (it is the engine's data); a temp folder goes.
 */
async function removeCloudFiles(files: { clouds: string; secure: string }, tempDir: string | undefined): Promise<void> {
  await rm(files.secure, { force: true });
  await rm(files.clouds, { force: true });
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}

/**
 * `novaform engine serve`: runs the embedded engine until SIGINT or
 * SIGTERM, with a clouds.yaml and a secure.yaml (0600) for it; on either
 * signal it stops the engine and removes both files (and the temp folder
 * they were in, with --memory).
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(engineServeCommand, argv);
  if (values.memory && values.data) throw new CliError('--data and --memory are exclusive: pick one', 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected an integer 0-65535, got ${values.port}`, 2);

  let config: EngineConfigInput = {};
  if (values.config) {
    try {
      config = await loadConfigFile(resolve(values.config));
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  const dataDir = values.memory ? undefined : resolve(values.data ?? '.novaform/engine');
  let engine: RunningEngine;
  try {
    engine = await startEngine({ host: values.host, port, dataDir, config });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} on ${values.host} is already in use; pick another with --port (0 = any free port)`);
    throw new CliError(err.message);
  }
  // In memory, the files go to a fresh 0700 temp folder, removed with them at exit.
  const tempDir = dataDir ? undefined : await mkdtemp(join(tmpdir(), 'novaform-engine-'));
  const files = await writeCloudFiles(engine, dataDir ?? tempDir!);
  // Listen for the stop before saying where the engine is: whoever reads the
  // export line may signal at once, and a signal with no handler kills the
  // process before it removes its files.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(
    [
      `novaform engine listening on ${engine.url} (${dataDir ? `data in ${dataDir}` : 'in memory'})`,
      '',
      '# clouds.yaml entry (passwords are in secure.yaml beside it, mode 0600):',
      files.text.trimEnd(),
      '',
      '# use it with the openstack CLI:',
      `export OS_CLIENT_CONFIG_FILE=${files.clouds} OS_CLIENT_SECURE_FILE=${files.secure} OS_CLOUD=novaform-engine`,
      '',
    ].join('\n'),
  );

  try {
    await stopped;
    await engine.close();
  } finally {
    await removeCloudFiles(files, tempDir);
  }
  return 0;
}
