import { badRequest, conflict } from '../../../http/api-error.ts';
import type { FlavorSnapshot } from '../../compute-model.ts';

/**
 * Device names for volume attachments, as nova/compute/utils.py
 * `get_next_device_name` picks them: the prefix comes from the root device
 * (`/dev/sda` -> `/dev/sd`), the letter is the first one not in use, and a
 * requested name keeps only its letter (`/dev/vdc` on an sd server is
 * `/dev/sdc`). The flavor's ephemeral and swap disks take the letters right
 * after the root one, as Nova's default device naming gives them.
 */

/** nova/block_device.py `_dev` pattern: prefix and letters, optional partition number. */
const DEVICE_PATTERN = /^(\/dev\/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$/;

export function matchDevice(path: string): { prefix: string; letter: string } | undefined {
  const match = DEVICE_PATTERN.exec(path.startsWith('/dev/') ? path : `/dev/${path}`);
  return match ? { prefix: match[1]!, letter: match[2]! } : undefined;
}

/** `generate_device_letter`: a, b, ..., z, aa, ab, ... */
export function deviceLetter(index: number): string {
  let letters = '';
  let n = index + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(97 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function firstUnused(used: Set<string>): string {
  for (let i = 0; ; i++) {
    const letter = deviceLetter(i);
    if (!used.has(letter)) return letter;
  }
}

/**
 * The name the next attachment gets. Throws 400 "The supplied device path
 * (X) is invalid." for a path Nova cannot parse and 409 "... is in use." for
 * a requested letter that is taken.
 */
export function nextDeviceName(rootDeviceName: string, flavor: FlavorSnapshot, attachedDevices: string[], requested: string | null): string {
  const requestedMatch = requested ? matchDevice(requested) : undefined;
  if (requested && !requestedMatch) throw badRequest(`The supplied device path (${requested}) is invalid.`);
  const root = matchDevice(rootDeviceName || '/dev/vda');
  if (!root) throw badRequest(`The supplied device path (${rootDeviceName}) is invalid.`);

  const used = new Set<string>([root.letter]);
  if (flavor.ephemeral > 0) used.add(firstUnused(used));
  if (flavor.swap > 0) used.add(firstUnused(used));
  for (const device of attachedDevices) {
    const match = matchDevice(device);
    if (match) used.add(match.letter);
  }
  const letter = requestedMatch?.letter ?? firstUnused(used);
  if (used.has(letter)) throw conflict(`The supplied device path (${requested}) is in use.`);
  return root.prefix + letter;
}
