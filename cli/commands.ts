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
  {
    path: ['validate'],
    summary: 'Check manifests offline: schema, references, limits (exit 0 valid, 1 invalid)',
    usage: 'novaform validate PATH... [--selector key=value]... [--output text|json] [--max-file-size 1MiB] [--max-total-size 10MiB]',
    load: () => import('./commands/validate.ts'),
  },
  {
    path: ['schema'],
    summary: 'Print the JSON Schema of manifests (all kinds, or one KIND)',
    usage: 'novaform schema [KIND]',
    load: () => import('./commands/schema.ts'),
  },
  {
    path: ['plan'],
    summary: 'Show what apply would change: creates, updates, resizes, rebuilds, replaces, deletes (exit 0, 1 on error)',
    usage: 'novaform plan PATH... [--stack NAME] [--selector key=value]... [--os-cloud NAME|embedded] [--output text|json] [--out FILE] [--rebind]',
    load: () => import('./commands/plan.ts'),
  },
  {
    path: ['apply'],
    summary: 'Plan, confirm and apply manifests (or exactly a saved plan) to the cloud (exit 0 done, 1 failed, 130 interrupted)',
    usage: 'novaform apply PATH...|PLANFILE.json [--yes] [--parallelism N] [--stack NAME] [--selector key=value]... [--os-cloud NAME|embedded] [--lock-wait SECONDS] [--timeout DURATION] [--rebind]',
    load: () => import('./commands/apply.ts'),
  },
  {
    path: ['destroy'],
    summary: 'Delete everything the stack owns, keeping deletionPolicy Retain (exit 0 done, 1 failed, 130 interrupted)',
    usage: 'novaform destroy PATH... [--yes] [--parallelism N] [--stack NAME] [--os-cloud NAME|embedded] [--lock-wait SECONDS] [--timeout DURATION] [--rebind]',
    load: () => import('./commands/destroy.ts'),
  },
  {
    path: ['drift'],
    summary: 'Compare the cloud with the manifests; never writes (exit 0 in sync, 2 drift, 1 error)',
    usage: 'novaform drift PATH... [--stack NAME] [--os-cloud NAME|embedded] [--output text|json|markdown|junit] [--out FILE]... [--include-unmanaged] [--rebind]',
    load: () => import('./commands/drift.ts'),
  },
  {
    path: ['watch'],
    summary: 'Keep the cloud matching the manifests (or a git branch) continuously; serves /status, /metrics and a status page',
    usage: 'novaform watch PATH... | --git URL [--branch main] [--path DIR] [--interval 1m] [--resync 5m] [--listen 127.0.0.1:9477] [--os-cloud NAME] [--stack NAME] [--auto-approve REASONS|all] [--allow-ui-approve] [--no-prune] [--dry-run] [--max-rate 10] [--lock-wait DURATION]',
    load: () => import('./commands/watch.ts'),
  },
];
