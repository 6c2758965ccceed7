/**
 * "Did you mean ...?" for misspelt field names, kinds and enum values:
 * spelling-insensitive matches first (case, '_' and '-': `extra_specs` →
 * `extraSpecs`), then words other OpenStack tools use for the same thing
 * (`memory` → `ram`, `key_name` → `keypair`), then the closest name by
 * edit distance when it is close enough to be a typo.
 */

/** Other tools' words (normalized: lower case, no '_' or '-') for novaform's names. */
const SYNONYMS: Record<string, readonly string[]> = {
  memory: ['ram'],
  memorymb: ['ram'],
  mem: ['ram'],
  cpu: ['vcpus'],
  cpus: ['vcpus'],
  cores: ['vcpus'],
  rootdisk: ['disk'],
  properties: ['extraSpecs', 'metadata'],
  property: ['extraSpecs', 'metadata'],
  specs: ['extraSpecs'],
  public: ['isPublic'],
  projects: ['access'],
  keyname: ['keypair'],
  key: ['keypair', 'publicKey'],
  sshkey: ['keypair', 'publicKey'],
  pubkey: ['publicKey'],
  keyfile: ['publicKeyFile'],
  flavorref: ['flavor'],
  imageref: ['image'],
  zone: ['availabilityZone'],
  az: ['availabilityZone'],
  nics: ['networks'],
  nic: ['networks'],
  network: ['networks'],
  type: ['volumeType'],
  sizegb: ['size'],
  userdatafile: ['userData'],
  state: ['powerState'],
  status: ['powerState'],
  power: ['powerState'],
  hypervisors: ['hosts'],
};

const normalize = (word: string) => word.toLowerCase().replace(/[-_\s]/g, '');

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours each cost 1.
 *
 * @example
 * editDistance('imgae', 'image') // 1
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/**
 * The candidate `word` most likely meant, or undefined when none is close.
 *
 * @example
 * suggest('vcpu', ['vcpus', 'ram', 'disk'])          // 'vcpus'
 * suggest('extra_specs', ['extraSpecs', 'access'])   // 'extraSpecs'
 * suggest('memory', ['vcpus', 'ram'])                // 'ram'
 * suggest('colour', ['vcpus', 'ram'])                // undefined
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(word);
  if (wanted === '') return undefined;
  const exact = candidates.find((c) => normalize(c) === wanted);
  if (exact !== undefined) return exact;
  const synonym = (SYNONYMS[wanted] ?? []).find((s) => candidates.includes(s));
  if (synonym !== undefined) return synonym;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.min(3, Math.floor(Math.max(wanted.length, normalize(best).length) / 3)));
  return bestDistance <= allowed && bestDistance < wanted.length ? best : undefined;
}
