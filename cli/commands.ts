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
  {
    path: ['status'],
    summary: 'Show what the controller (novaform watch) sees: resources, conditions, approvals (exit 0; 2 needs attention; 1 error)',
    usage: 'novaform status [PATH...] [--stack NAME] [--controller URL] [--output text|json]\n\n'
      + 'Reads the running controller\'s /status (--controller URL, or the URL it stored; 2 s timeout), else its last stored status.\n'
      + 'Exit 0; 2 when a resource is Stalled, ApprovalNeeded or BackingOff or the manifests are invalid (CI can gate on it); 1 on error.',
    load: () => import('./commands/status.ts'),
  },
  {
    path: ['events'],
    summary: 'Print the controller\'s events; --follow keeps printing new ones until Ctrl-C',
    usage: 'novaform events [PATH...] [--stack NAME] [--since SEQ] [--limit N] [--follow] [--output text|json]\n\n'
      + 'Text: TIME LEVEL REASON KEY MESSAGE; json: one event per line. --limit N: the newest N; --since SEQ: those after SEQ.',
    load: () => import('./commands/events.ts'),
  },
  {
    path: ['approve'],
    summary: 'Let the controller make a change it waits for (resize, rebuild, replace, delete, data loss)',
    usage: 'novaform approve KIND/NAME... [PATH...] [--stack NAME]\n\n'
      + 'Approves exactly the change novaform status shows for each KIND/NAME; a different change later needs its own approval.',
    load: () => import('./commands/approve.ts'),
  },
  {
    path: ['suspend'],
    summary: 'Pause the stack\'s controller: it keeps reporting and changes nothing until resume',
    usage: 'novaform suspend [PATH...] [--stack NAME] [--reason TEXT]',
    load: () => import('./commands/suspend.ts'),
  },
  {
    path: ['resume'],
    summary: 'Let a suspended stack\'s controller change the cloud again',
    usage: 'novaform resume [PATH...] [--stack NAME]',
    load: async () => ({ run: (await import('./commands/suspend.ts')).runResume }),
  },
  {
    path: ['state', 'list'],
    summary: 'List the stack\'s state records: kind, name, cloud id, deletionPolicy, last applied (no cloud call)',
    usage: 'novaform state list [PATH...] [--stack NAME] [--output text|json]',
    load: async () => ({ run: (await import('./commands/state.ts')).runList }),
  },
  {
    path: ['state', 'show'],
    summary: 'Show one state record in full (secrets as the state holds them: digests)',
    usage: 'novaform state show KIND/NAME [PATH...] [--stack NAME] [--output text|json]',
    load: async () => ({ run: (await import('./commands/state.ts')).runShow }),
  },
  {
    path: ['state', 'rm'],
    summary: 'Forget state records without deleting anything in the cloud (the next plan finds stamped objects again)',
    usage: 'novaform state rm KIND/NAME... [PATH...] [--stack NAME] [--yes] [--lock-wait SECONDS]',
    load: async () => ({ run: (await import('./commands/state.ts')).runRm }),
  },
  {
    path: ['get'],
    summary: 'Each resource of the stack with its id, cloud status, last apply and drift (reads only)',
    usage: 'novaform get [PATH...] [--stack NAME] [--os-cloud NAME|embedded] [--output text|json] [--rebind]',
    load: () => import('./commands/get.ts'),
  },
  {
    path: ['outputs'],
    summary: 'Ids, status, addresses and volume attachments of the stack\'s resources (reads only)',
    usage: 'novaform outputs [PATH...] [--stack NAME] [--os-cloud NAME|embedded] [--output text|json] [--show-secrets] [--rebind]',
    load: () => import('./commands/outputs.ts'),
  },
  {
    path: ['graph'],
    summary: 'Draw the manifests\' dependency graph as DOT, Mermaid or SVG (offline)',
    usage: 'novaform graph PATH... [--stack NAME] [--format dot|mermaid|svg]',
    load: () => import('./commands/graph.ts'),
  },
  {
    path: ['stacks'],
    summary: 'List the stacks kept under a directory: records, bound cloud, last apply',
    usage: 'novaform stacks [DIR] [--output text|json]',
    load: () => import('./commands/stacks.ts'),
  },
];
