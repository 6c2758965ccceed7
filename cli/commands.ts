import { defineCommand, type AnyCommandSpec, type EnvSpec, type FlagSpec } from './command-spec.ts';

/**
 * Every command novaform has, the single source of the parser's flags,
 * `--help`, `novaform help CMD` and the README's command reference
 * (`npm run docs:cli`). Each module is loaded only when its command runs.
 */

const stack = { type: 'string', value: 'NAME', description: 'The stack (default: novaform.yaml\'s stack, else the directory name)' } as const satisfies FlagSpec;
const selector = {
  type: 'string', short: 'l', multiple: true, value: 'key=value',
  description: 'Only manifests whose labels match (key=value, key!=value, key in (a,b), key, !key); all must match',
} as const satisfies FlagSpec;
const osCloud = {
  type: 'string', value: 'NAME', env: 'OS_CLOUD',
  description: 'The clouds.yaml entry to use, or `embedded` for the embedded engine (default: OS_CLOUD, OS_* variables, the only clouds.yaml entry, else the embedded engine off CI)',
} as const satisfies FlagSpec;
const backend = {
  type: 'string', value: 'URL', env: 'NOVAFORM_BACKEND',
  description: 'Where the stack\'s state and lock live: `files` (the project\'s .novaform/) or postgres://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or ~/.pgpass) (default: NOVAFORM_BACKEND, else novaform.yaml\'s backend:, else files)',
} as const satisfies FlagSpec;
const rebind = { type: 'boolean', description: 'Move a stack applied to another cloud to this one on purpose (else refused)' } as const satisfies FlagSpec;
const yes = { type: 'boolean', short: 'y', description: 'Do not ask for a confirmation (needed off a terminal)' } as const satisfies FlagSpec;
const parallelism = { type: 'string', value: 'N', default: '4', description: 'How many independent steps run at once' } as const satisfies FlagSpec;
const lockWait = { type: 'string', value: 'SECONDS', default: '0', description: 'Wait this long for another novaform that holds the stack\'s lock (0: fail at once, naming the holder)' } as const satisfies FlagSpec;
const timeout = { type: 'string', value: 'DURATION', description: 'Stop starting steps after this long (30s, 10m, 1h30m), record what was in flight, exit 1' } as const satisfies FlagSpec;
const target = {
  type: 'string', multiple: true, value: 'KIND/NAME',
  description: 'Only this resource and what it needs first (for exceptional use, like Terraform\'s -target)',
} as const satisfies FlagSpec;
const replace = {
  type: 'string', multiple: true, value: 'KIND/NAME',
  description: 'Renew this resource although nothing differs: a server booted from an image is rebuilt, anything else deleted and created again',
} as const satisfies FlagSpec;
const changeOutput = {
  type: 'string', short: 'o', value: 'text|json', default: 'text',
  description: 'json: the plan, progress and summary go to stderr, and stdout gets one JSON document of per-resource outcomes',
} as const satisfies FlagSpec;
const controllerStack = { type: 'string', value: 'NAME', description: 'The stack whose controller to read (default: novaform.yaml\'s stack, else the directory name)' } as const satisfies FlagSpec;

const manifests = { name: 'PATH...', description: 'manifest files or directories (.yaml, .yml, .json)', required: true, repeatable: true } as const;
const controllerPaths = { name: 'PATH...', description: 'the project\'s manifests or directory (default: .)', repeatable: true } as const;

const cloudEnv: readonly EnvSpec[] = [
  { name: 'OS_CLIENT_CONFIG_FILE', description: 'the clouds.yaml to read (else ./clouds.yaml, ~/.config/openstack, /etc/openstack); secure.yaml beside it holds passwords' },
  { name: 'OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ...', description: 'a cloud given by OS_* variables, as every OpenStack tool reads them' },
  { name: 'CI', description: 'when set, no cloud configured is an error instead of the embedded engine' },
  { name: 'NOVAFORM_ENGINE_CONFIG', description: 'a config file for the embedded engine (engine serve --config)' },
];
const changeEnv: readonly EnvSpec[] = [
  ...cloudEnv,
  { name: 'NOVAFORM_CREATE_GRACE', description: 'how long a create whose answer was lost may take to show in listings before it is made again (default 2m)' },
];

export const engineServeCommand = defineCommand({
  path: ['engine', 'serve'],
  summary: 'Start the embedded OpenStack-compatible compute engine',
  details: ['Prints a clouds.yaml entry (passwords in secure.yaml beside it, mode 0600) and the OS_* line for the openstack CLI; stops on Ctrl-C or SIGTERM.'],
  args: [],
  flags: {
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'The address to listen on' },
    port: { type: 'string', value: 'PORT', default: '8774', description: 'The port to listen on (0: any free port)' },
    data: { type: 'string', value: 'DIR', defaultText: '.novaform/engine', description: 'Keep the engine\'s data in DIR' },
    memory: { type: 'boolean', description: 'Keep the data in memory only (exclusive with --data)' },
    config: { type: 'string', value: 'FILE', description: 'Engine settings (hosts, quotas, users, faults), YAML or JSON' },
  },
  exitCodes: { 0: 'stopped by Ctrl-C or SIGTERM', 1: 'could not start (port in use, a bad config file)', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform engine serve --memory --port 0', 'novaform engine serve --data /var/lib/novaform-engine --config engine.yaml'],
  load: () => import('./commands/engine-serve.ts'),
});

export const validateCommand = defineCommand({
  path: ['validate'],
  summary: 'Check manifests offline: schema, references, limits (exit 0 valid, 1 invalid)',
  details: ['Every problem is printed as file:line:column: error: message, with the JSON path and a hint.'],
  args: [manifests],
  flags: {
    selector,
    output: { type: 'string', short: 'o', value: 'text|json', default: 'text', description: 'text: one line per problem; json: the errors as a JSON array' },
    'max-file-size': { type: 'string', value: 'SIZE', defaultText: '1MiB', description: 'Refuse a manifest file larger than this (bytes, KiB, MiB, GiB)' },
    'max-total-size': { type: 'string', value: 'SIZE', defaultText: '10MiB', description: 'Refuse manifests adding up to more than this' },
  },
  exitCodes: { 0: 'valid', 1: 'invalid, or no manifests found', 2: 'usage error, or a PATH that does not exist' },
  usageExitCode: 2,
  examples: ['novaform validate examples/quickstart', 'novaform validate infra -l tier=web -o json'],
  load: () => import('./commands/validate.ts'),
});

export const schemaCommand = defineCommand({
  path: ['schema'],
  summary: 'Print the JSON Schema of manifests (all kinds, or one KIND)',
  args: [{ name: 'KIND', description: 'Quota, Flavor, Keypair, Volume, Aggregate, ServerGroup, Server or ComputeService (default: the combined schema)' }],
  flags: {},
  exitCodes: { 0: 'printed', 2: 'usage error or an unknown kind' },
  usageExitCode: 2,
  examples: ['novaform schema > novaform.schema.json', 'novaform schema Server'],
  load: () => import('./commands/schema.ts'),
});

export const planCommand = defineCommand({
  path: ['plan'],
  summary: 'Show what apply would change: creates, updates, resizes, rebuilds, replaces, deletes (exit 0, 1 on error)',
  details: [
    'Validates first (invalid: nothing is planned), reads the cloud (while the manifests load) and the stack\'s state, changes nothing.',
    'Takes no lock, so it works while an apply holds the stack.',
  ],
  args: [manifests],
  flags: {
    stack, selector, 'os-cloud': osCloud, backend,
    output: { type: 'string', short: 'o', value: 'text|json', default: 'text', description: 'text for people, json for programs (a stable contract)' },
    out: { type: 'string', value: 'FILE', description: 'Also save the plan to FILE, for `novaform apply FILE` to apply exactly it' },
    target, replace,
    'detailed-exitcode': { type: 'boolean', description: 'Exit 2 when the plan changes something, 0 when it changes nothing (1 stays an error)' },
    rebind,
  },
  env: changeEnv,
  exitCodes: {
    0: 'a plan was printed (with --detailed-exitcode: one that changes nothing)',
    1: 'invalid manifests, a plan problem, the plan does not fit the quota, the cloud refused, or a usage error',
    2: 'with --detailed-exitcode: the plan changes something',
  },
  usageExitCode: 1,
  examples: ['novaform plan examples/quickstart', 'novaform plan infra --os-cloud prod --out plan.json', 'novaform plan infra --detailed-exitcode --target Server/web-1'],
  load: () => import('./commands/plan.ts'),
});

export const applyCommand = defineCommand({
  path: ['apply'],
  summary: 'Plan, confirm and apply manifests (or exactly a saved plan) to the cloud (exit 0 done, 1 failed, 130 interrupted)',
  details: [
    'Validate, lock the stack, plan, show the plan, confirm, check the quota, apply, summary. A saved plan (plan --out) is the approval: no prompt, and it is refused when a manifest or the cloud changed since.',
    'Ctrl-C stops new steps and exits 130 once the steps in flight are recorded.',
  ],
  args: [{ name: 'PATH...|PLANFILE.json', description: 'manifest files or directories, or one plan saved by plan --out', required: true, repeatable: true }],
  flags: {
    yes, parallelism, stack, selector, 'os-cloud': osCloud, backend, 'lock-wait': lockWait, timeout, target, replace, output: changeOutput, rebind,
  },
  env: changeEnv,
  exitCodes: { 0: 'every step succeeded (or nothing to do)', 1: 'a step failed, the plan was refused, or not confirmed', 2: 'usage error', 130: 'interrupted (Ctrl-C, SIGTERM)' },
  usageExitCode: 2,
  examples: ['novaform apply examples/quickstart', 'novaform apply plan.json', 'novaform apply infra --os-cloud prod --yes --timeout 30m', 'novaform apply infra --replace Server/web-1 --yes -o json'],
  load: () => import('./commands/apply.ts'),
});

export const destroyCommand = defineCommand({
  path: ['destroy'],
  summary: 'Delete everything the stack owns, keeping deletionPolicy Retain (exit 0 done, 1 failed, 130 interrupted)',
  details: ['The manifests MUST be valid: an invalid set deletes nothing. Confirmation, the cloud binding, Ctrl-C and --timeout as for apply.'],
  args: [{ name: 'PATH...', description: 'the stack\'s manifests or project directory', required: true, repeatable: true }],
  flags: {
    yes, parallelism, stack, selector, 'os-cloud': osCloud, backend, 'lock-wait': lockWait, timeout, target, output: changeOutput, rebind,
  },
  env: changeEnv,
  exitCodes: { 0: 'everything deletable was deleted (or nothing to do)', 1: 'a step failed, or not confirmed', 2: 'usage error', 130: 'interrupted (Ctrl-C, SIGTERM)' },
  usageExitCode: 2,
  examples: ['novaform destroy examples/quickstart', 'novaform destroy infra --os-cloud prod --yes', 'novaform destroy infra --target Server/batch-1 --yes'],
  load: () => import('./commands/destroy.ts'),
});

export const driftCommand = defineCommand({
  path: ['drift'],
  summary: 'Compare the cloud with the manifests; never writes (exit 0 in sync, 2 drift, 1 error)',
  details: ['Usage errors exit 1, not 2: 2 means drift to the CI jobs that run this. Rules in .novaformignore at the project root silence known differences.'],
  args: [manifests],
  flags: {
    stack, 'os-cloud': osCloud, backend,
    output: { type: 'string', short: 'o', value: 'text|json|markdown|junit', default: 'text', description: 'The report\'s format on stdout' },
    out: { type: 'string', multiple: true, value: 'FILE', description: 'Also write the report to FILE in the format its extension names (.xml JUnit, .json, .md)' },
    'include-unmanaged': { type: 'boolean', description: 'Also report objects of the project no stack owns' },
    selector,
    target: { ...target, description: 'Report only this resource' },
    rebind,
  },
  env: cloudEnv,
  exitCodes: { 0: 'in sync', 1: 'any error, usage errors included', 2: 'drift found' },
  usageExitCode: 1,
  examples: ['novaform drift examples/quickstart', 'novaform drift infra --os-cloud prod --out reports/drift.xml'],
  load: () => import('./commands/drift.ts'),
});

export const watchCommand = defineCommand({
  path: ['watch'],
  summary: 'Keep the cloud matching the manifests (or a git branch) continuously; serves /status, /metrics and a status page',
  details: [
    'Unattended it applies only changes that lose and disturb nothing; resize, rebuild, replace, delete and data loss wait for novaform approve (or --auto-approve).',
    'One controller per stack: a second one waits and takes over when the first dies. Logs are JSON lines on stderr (readable on a terminal).',
    'PATH... (or a --git repository) holding several projects (folders with a novaform.yaml) on a PostgreSQL backend: each process is a replica; the stacks are spread over the live replicas by leases, and a dead replica\'s stacks move to the others.',
  ],
  args: [{ name: 'PATH...', description: 'manifest files or directories to watch (or give --git URL)', repeatable: true }],
  flags: {
    git: { type: 'string', value: 'URL', description: 'Reconcile what a git branch holds instead of PATH...' },
    branch: { type: 'string', value: 'BRANCH', defaultText: 'main', description: 'The branch to follow (with --git)' },
    path: { type: 'string', value: 'DIR', defaultText: '.', description: 'The manifests\' directory inside the repository (with --git)' },
    interval: { type: 'string', value: 'DURATION', defaultText: '1m', description: 'How often to fetch the repository (with --git)' },
    resync: { type: 'string', value: 'DURATION', defaultText: '5m', description: 'How often to re-read the cloud to catch changes made behind novaform\'s back' },
    listen: { type: 'string', value: 'HOST:PORT', defaultText: '127.0.0.1:9477', description: 'Where to serve /status, /metrics, /healthz, /readyz and the status page (:0 any free port)' },
    'no-listen': { type: 'boolean', description: 'Serve nothing' },
    'os-cloud': osCloud, backend,
    stack,
    'auto-approve': { type: 'string', value: 'REASONS|all', description: 'Apply these without approval: a comma-separated list of resize, rebuild, replace, delete, data-loss, detach, power-off, migrate, evacuate, or all' },
    'allow-ui-approve': { type: 'boolean', description: 'Let the status page approve changes' },
    'no-prune': { type: 'boolean', description: 'Never delete what the manifests no longer define' },
    'dry-run': { type: 'boolean', description: 'Plan and report only; change nothing' },
    'max-rate': { type: 'string', value: 'N', defaultText: '10', description: 'Cloud calls per second at most' },
    'lock-wait': { type: 'string', value: 'DURATION', defaultText: 'for ever', description: 'How long to wait for the stack\'s lease held by another controller' },
    'lease-duration': { type: 'string', value: 'DURATION', defaultText: '15s', description: 'Replicas (several projects on PostgreSQL): how long a stack\'s lease lasts unrenewed; a dead replica\'s stacks move within about 4/3 of it' },
  },
  env: [
    ...cloudEnv,
    { name: 'NOVAFORM_LOG_LEVEL', description: 'the controller\'s log level: fatal, error, warn, info, debug, trace, silent (default: NOVAFORM_LOG, else info)' },
  ],
  exitCodes: { 0: 'stopped by SIGINT or SIGTERM', 1: 'usage error, or could not start' },
  usageExitCode: 1,
  examples: ['novaform watch examples/quickstart', 'novaform watch --git https://git.example.com/infra.git --branch prod --path stacks/web --os-cloud prod'],
  load: () => import('./commands/watch.ts'),
});

const controllerBackend = {
  ...backend,
  description: 'Where the stack\'s controller records (status, events, approvals, suspend mark) live, as for its state: `files` (the project\'s .novaform/) or postgres://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or ~/.pgpass) (default: NOVAFORM_BACKEND, else novaform.yaml\'s backend:, else files)',
} as const satisfies FlagSpec;

export const statusCommand = defineCommand({
  path: ['status'],
  summary: 'Show what the controller (novaform watch) sees: resources, conditions, approvals (exit 0; 2 needs attention; 1 error)',
  details: ['Reads the running controller\'s /status (--controller URL, or the URL it stored; 2 s timeout), else its last stored status.'],
  args: [controllerPaths],
  flags: {
    stack: controllerStack, backend: controllerBackend,
    controller: { type: 'string', value: 'URL', description: 'The controller to ask (e.g. http://127.0.0.1:9477); it MUST answer' },
    output: { type: 'string', short: 'o', value: 'text|json', default: 'text', description: 'text for people, json (the controller status contract) for programs' },
  },
  exitCodes: { 0: 'nothing needs attention', 1: 'any error, usage errors included', 2: 'a resource is Stalled, ApprovalNeeded or BackingOff, or the manifests are invalid' },
  usageExitCode: 1,
  examples: ['novaform status examples/quickstart', 'novaform status --controller http://127.0.0.1:9477 -o json'],
  load: () => import('./commands/status.ts'),
});

export const eventsCommand = defineCommand({
  path: ['events'],
  summary: 'Print the controller\'s events; --follow keeps printing new ones until Ctrl-C',
  details: ['Text: TIME LEVEL REASON KEY MESSAGE; json: one event per line.'],
  args: [controllerPaths],
  flags: {
    stack: controllerStack, backend: controllerBackend,
    since: { type: 'string', value: 'SEQ', description: 'Only the events after sequence number SEQ' },
    limit: { type: 'string', value: 'N', description: 'Only the newest N events' },
    follow: { type: 'boolean', short: 'f', description: 'Keep printing new events until Ctrl-C' },
    output: { type: 'string', short: 'o', value: 'text|json', default: 'text', description: 'text lines, or one JSON event per line' },
  },
  exitCodes: { 0: 'printed (or stopped following)', 1: 'any error, usage errors included' },
  usageExitCode: 1,
  examples: ['novaform events examples/quickstart --limit 20', 'novaform events --follow -o json'],
  load: () => import('./commands/events.ts'),
});

export const approveCommand = defineCommand({
  path: ['approve'],
  summary: 'Let the controller make a change it waits for (resize, rebuild, replace, delete, data loss)',
  details: ['Approves exactly the change novaform status shows for each KIND/NAME; a different change later needs its own approval.'],
  args: [
    { name: 'KIND/NAME...', description: 'the resources whose waiting change to approve, as novaform status lists them', required: true, repeatable: true },
    controllerPaths,
  ],
  flags: { stack: controllerStack, backend: controllerBackend },
  exitCodes: { 0: 'approved', 1: 'any error (nothing waits for approval, a typo), usage errors included' },
  usageExitCode: 1,
  examples: ['novaform approve Server/web-1', 'novaform approve Flavor/m1.big Server/db infra --stack prod'],
  load: () => import('./commands/approve.ts'),
});

export const suspendCommand = defineCommand({
  path: ['suspend'],
  summary: 'Pause the stack\'s controller: it keeps reporting and changes nothing until resume',
  args: [controllerPaths],
  flags: {
    stack: controllerStack, backend: controllerBackend,
    reason: { type: 'string', value: 'TEXT', description: 'Why, shown by status' },
  },
  exitCodes: { 0: 'suspended (or already suspended)', 1: 'any error, usage errors included' },
  usageExitCode: 1,
  examples: ['novaform suspend infra --reason "maintenance window"'],
  load: () => import('./commands/suspend.ts'),
});

export const resumeCommand = defineCommand({
  path: ['resume'],
  summary: 'Let a suspended stack\'s controller change the cloud again',
  args: [controllerPaths],
  flags: { stack: controllerStack, backend: controllerBackend },
  exitCodes: { 0: 'resumed (or was not suspended)', 1: 'any error, usage errors included' },
  usageExitCode: 1,
  examples: ['novaform resume infra'],
  load: async () => ({ run: (await import('./commands/suspend.ts')).runResume }),
});

const inspectPaths = { name: 'PATH...', description: 'the project\'s manifests or directory (default: .)', repeatable: true } as const;
const inspectOutput = { type: 'string', short: 'o', value: 'text|json', default: 'text', description: 'text for people, json for programs (version 1; fields may be added)' } as const satisfies FlagSpec;

export const stateListCommand = defineCommand({
  path: ['state', 'list'],
  summary: 'List the stack\'s state records: kind, name, cloud id, deletionPolicy, last applied (no cloud call)',
  details: ['Reads the state read-only, without the lock: it works while an apply runs. Secrets appear as the state holds them (digests).'],
  args: [inspectPaths],
  flags: { stack, backend, output: inspectOutput },
  exitCodes: { 0: 'listed (a stack never applied lists nothing)', 1: 'error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform state list examples/quickstart', 'novaform state list -o json'],
  load: async () => ({ run: (await import('./commands/state.ts')).runList }),
});

export const stateShowCommand = defineCommand({
  path: ['state', 'show'],
  summary: 'Show one state record in full (secrets as the state holds them: digests)',
  args: [{ name: 'KIND/NAME', description: 'the record, as state list shows it', required: true }, inspectPaths],
  flags: { stack, backend, output: inspectOutput },
  exitCodes: { 0: 'shown', 1: 'no such record, or an error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform state show Server/web-1 examples/quickstart'],
  load: async () => ({ run: (await import('./commands/state.ts')).runShow }),
});

export const stateRmCommand = defineCommand({
  path: ['state', 'rm'],
  summary: 'Forget state records without deleting anything in the cloud (the next plan finds stamped objects again)',
  details: ['Takes the stack\'s lock and never calls the cloud. Asks on a terminal; elsewhere --yes is needed.'],
  args: [{ name: 'KIND/NAME...', description: 'the records to forget', required: true, repeatable: true }, inspectPaths],
  flags: { stack, backend, yes, 'lock-wait': lockWait },
  exitCodes: { 0: 'forgotten', 1: 'a KIND/NAME had no record (the others are forgotten), not confirmed, or an error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform state rm Volume/scratch examples/quickstart --yes'],
  load: async () => ({ run: (await import('./commands/state.ts')).runRm }),
});

export const stateMigrateCommand = defineCommand({
  path: ['state', 'migrate'],
  summary: 'Move the stack\'s state from the project\'s files into a shared backend (PostgreSQL)',
  details: [
    'Takes the stack\'s lock in both places and copies records, the journal (unfinished entries included), events, the cloud binding and the digest key.',
    'The files stay as a backup and are marked moved: the files backend refuses the stack from then on, so a command that forgot --backend fails instead of using a stale copy.',
  ],
  args: [inspectPaths],
  flags: {
    to: { type: 'string', value: 'URL', description: 'The shared backend, e.g. postgres://novaform@db.example/novaform (password from PGPASSWORD or ~/.pgpass)' },
    stack, 'lock-wait': lockWait,
  },
  exitCodes: { 0: 'moved, or nothing to move', 1: 'refused (the target already has the stack, a lock is held) or an error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform state migrate --to postgres://novaform@db.example/novaform examples/quickstart'],
  load: async () => ({ run: (await import('./commands/state-move.ts')).runMigrate }),
});

export const statePullCommand = defineCommand({
  path: ['state', 'pull'],
  summary: 'Copy the stack\'s state from a shared backend back into the project\'s files',
  details: ['For a backup, or to leave the database. The database keeps its copy; a backup left by state migrate gives way.'],
  args: [inspectPaths],
  flags: {
    from: { type: 'string', value: 'URL', description: 'The shared backend (default: NOVAFORM_BACKEND, else novaform.yaml\'s backend:)' },
    stack, 'lock-wait': lockWait,
  },
  exitCodes: { 0: 'pulled', 1: 'nothing to pull, refused (the files already have the stack), or an error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform state pull examples/quickstart', 'novaform state pull --from postgres://novaform@db.example/novaform'],
  load: async () => ({ run: (await import('./commands/state-move.ts')).runPull }),
});

export const getCommand = defineCommand({
  path: ['get'],
  summary: 'Each resource of the stack with its id, cloud status, last apply and drift (reads only)',
  details: ['Declared, recorded, or stamped as the stack\'s in the cloud. Without manifests under PATH the drift column is `unknown`.'],
  args: [inspectPaths],
  flags: { stack, 'os-cloud': osCloud, backend, output: inspectOutput, rebind },
  env: cloudEnv,
  exitCodes: { 0: 'listed', 1: 'invalid manifests, a plan problem, or the cloud refused', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform get examples/quickstart', 'novaform get infra --os-cloud prod -o json'],
  load: () => import('./commands/get.ts'),
});

export const outputsCommand = defineCommand({
  path: ['outputs'],
  summary: 'Ids, status, addresses and volume attachments of the stack\'s resources (reads only)',
  args: [inspectPaths],
  flags: {
    stack, 'os-cloud': osCloud, backend, output: inspectOutput, rebind,
    'show-secrets': { type: 'boolean', description: 'Show secrets novaform keeps (it keeps no adminPass: Nova shows it once, at create)' },
  },
  env: cloudEnv,
  exitCodes: { 0: 'listed', 1: 'invalid manifests, a plan problem, or the cloud refused', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform outputs examples/quickstart', 'novaform outputs -o json'],
  load: () => import('./commands/outputs.ts'),
});

export const graphCommand = defineCommand({
  path: ['graph'],
  summary: 'Draw the manifests\' dependency graph as DOT, Mermaid or SVG (offline)',
  args: [manifests],
  flags: {
    stack,
    format: { type: 'string', short: 'f', value: 'dot|mermaid|svg', default: 'dot', description: 'dot (Graphviz), mermaid (Markdown), or svg (drawn by novaform)' },
  },
  exitCodes: { 0: 'drawn', 1: 'invalid manifests', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform graph examples/quickstart | dot -Tpng > graph.png', 'novaform graph examples/quickstart -f svg > graph.svg'],
  load: () => import('./commands/graph.ts'),
});

export const importCommand = defineCommand({
  path: ['import'],
  summary: 'Write manifests for what a live project already has, each with an import block, so the next apply takes it over (reads only)',
  details: [
    'One file per kind in DIR (flavors.yaml, keypairs.yaml, volumes.yaml, aggregates.yaml, server-groups.yaml, servers.yaml), sorted, so a re-import\'s diff in git is readable. '
      + 'Private flavors are imported; public ones stay references by name. What another stack manages, or what no manifest can declare (a server in ERROR, one booted from a volume), is listed with the reason.',
    'A file import did not write is never overwritten. The next plan shows only import actions; apply then stamps the objects as the stack\'s without changing them.',
  ],
  args: [],
  flags: {
    'os-cloud': osCloud,
    kind: { type: 'string', multiple: true, value: 'KIND', description: 'Only this kind (Flavor, Keypair, Volume, Aggregate, ServerGroup, Server)' },
    name: { type: 'string', value: 'REGEX', description: 'Only objects whose name matches this regular expression' },
    out: { type: 'string', value: 'DIR', default: '.', description: 'Where the manifests are written (created when missing)' },
  },
  env: cloudEnv,
  exitCodes: { 0: 'written', 1: 'the cloud refused, or a file import did not write is in the way', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform import --os-cloud prod --out infra/', 'novaform import --kind Server --kind Volume --name \'^web-\' --out web/'],
  load: () => import('./commands/import.ts'),
});

export const stacksCommand = defineCommand({
  path: ['stacks'],
  summary: 'List the stacks kept under a directory, or in a shared backend: records, bound cloud, last apply',
  args: [{ name: 'DIR', description: 'where to look (default: .); node_modules and .git are skipped' }],
  flags: { backend: { ...backend, description: 'List the stacks this backend holds instead of searching DIR (default: NOVAFORM_BACKEND)' }, output: inspectOutput },
  exitCodes: { 0: 'listed', 1: 'error', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform stacks', 'novaform stacks /srv/infra -o json'],
  load: () => import('./commands/stacks.ts'),
});

export const exportTerraformCommand = defineCommand({
  path: ['export', 'terraform'],
  summary: 'Write a Terraform configuration (cdktf JSON) for terraform-provider-openstack, with import blocks for what exists (reads only)',
  details: [
    'Validates and plans like plan (read-only, no lock), then writes DIR/cdk.tf.json and DIR/NOTES.md: what Terraform cannot express, and which resources get an import block.',
    'Import blocks carry the ids of the objects the plan matched (ownership stamps, not local state); a resource not created yet gets none. Needs Terraform 1.5 or later.',
  ],
  args: [manifests],
  flags: {
    out: { type: 'string', value: 'DIR', description: 'The directory to write cdk.tf.json and NOTES.md to (created if missing; required)' },
    stack, 'os-cloud': osCloud, backend, rebind,
  },
  env: cloudEnv,
  exitCodes: { 0: 'written', 1: 'invalid manifests, a plan problem, no cloud reachable, or the cloud refused', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform export terraform examples/quickstart --out tf', 'novaform export terraform infra --os-cloud prod --out terraform/'],
  load: () => import('./commands/export-terraform.ts'),
});

export const helpCommand = defineCommand({
  path: ['help'],
  summary: 'Show the list of commands, or one command\'s flags, exit codes and examples',
  args: [{ name: 'COMMAND...', description: 'the command\'s words, e.g. engine serve', repeatable: true }],
  flags: {},
  exitCodes: { 0: 'printed', 2: 'unknown command' },
  usageExitCode: 2,
  examples: ['novaform help', 'novaform help engine serve'],
  load: () => import('./commands/help.ts'),
});

export const versionCommand = defineCommand({
  path: ['version'],
  summary: 'Print novaform\'s version (also: novaform --version)',
  args: [],
  flags: {},
  exitCodes: { 0: 'printed', 2: 'usage error' },
  usageExitCode: 2,
  examples: ['novaform version'],
  load: () => import('./commands/version.ts'),
});

export const commands: AnyCommandSpec[] = [
  engineServeCommand,
  validateCommand,
  schemaCommand,
  planCommand,
  applyCommand,
  destroyCommand,
  driftCommand,
  importCommand,
  watchCommand,
  statusCommand,
  eventsCommand,
  approveCommand,
  suspendCommand,
  resumeCommand,
  stateListCommand,
  stateShowCommand,
  stateRmCommand,
  stateMigrateCommand,
  statePullCommand,
  getCommand,
  outputsCommand,
  graphCommand,
  stacksCommand,
  exportTerraformCommand,
  helpCommand,
  versionCommand,
];
