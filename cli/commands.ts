/** Every command novaform has; each module is loaded only when its command runs. */
export interface CommandSpec {
  /** Words that select the command, e.g. ['engine', 'serve']. */
  path: string[];
  summary: string;
  usage: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

export const commands: CommandSpec[] = [
  {
    path: ['engine', 'serve'],
    summary: 'Start the embedded OpenStack-compatible compute engine',
    usage: 'novaform engine serve [--host 127.0.0.1] [--port 8774] [--data DIR | --memory] [--config FILE]',
    load: () => import('./commands/engine-serve.ts'),
  },
];
