import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/**
 * The real YAML language server (the one VS Code's YAML extension, Neovim
 * and Helix run), driven over stdio as an editor drives it: the tests see
 * exactly the diagnostics a user would see in the editor.
 */

export interface EditorDiagnostic {
  /** 1-based, like novaform's own messages. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The `yaml` settings section an editor sends (VS Code's "yaml.*" settings). */
export interface YamlSettings {
  /** Schema location -> glob(s) of the files it applies to (`yaml.schemas`). */
  readonly schemas?: Record<string, string | string[]>;
}

export interface YamlLanguageServer {
  /** Opens `file` with `text` and returns the diagnostics the server publishes for it. */
  diagnostics(file: string, text: string): Promise<EditorDiagnostic[]>;
  close(): Promise<void>;
}

/** How long the server must stay quiet after publishing before a file's diagnostics are taken as final. */
const SETTLE_MS = 300;
const TIMEOUT_MS = 20_000;

export async function startYamlLanguageServer(settings: YamlSettings = {}): Promise<YamlLanguageServer> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('yaml-language-server/package.json'));
  const child: ChildProcess = spawn(process.execPath, [join(packageDir, 'bin', 'yaml-language-server'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  // No schema store: the tests must not depend on the network, and only novaform's schema may apply.
  const yaml = { validate: true, hover: true, completion: true, schemaStore: { enable: false }, schemas: settings.schemas ?? {} };
  const published = new Map<string, (diagnostics: EditorDiagnostic[]) => void>();
  // Documents opened before the server has the settings would be checked without `yaml.schemas`.
  let configured!: () => void;
  const settingsTaken = new Promise<void>((resolve) => { configured = resolve; });
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
    setImmediate(configured);
    return params.items.map((item) => (item.section === 'yaml' ? yaml : null));
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: { range: { start: { line: number; character: number } }; message: string }[] }) => {
    published.get(params.uri)?.(params.diagnostics.map((d) => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, message: d.message })));
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  connection.sendNotification('initialized', {});
  connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml } });
  await settingsTaken;

  return {
    diagnostics(file, text) {
      const uri = pathToFileURL(file).href;
      return new Promise((resolve, reject) => {
        let settle: NodeJS.Timeout | undefined;
        const timeout = setTimeout(() => reject(new Error(`yaml-language-server published no diagnostics for ${file}`)), TIMEOUT_MS);
        published.set(uri, (diagnostics) => {
          clearTimeout(settle);
          settle = setTimeout(() => {
            clearTimeout(timeout);
            published.delete(uri);
            resolve(diagnostics);
          }, SETTLE_MS);
        });
        connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      });
    },
    async close() {
      connection.dispose();
      child.kill();
    },
  };
}
