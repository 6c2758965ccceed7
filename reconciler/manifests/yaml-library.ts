import { createRequire } from 'node:module';
import { packageFile } from '../../schemas/package-files.ts';

type YamlLibrary = typeof import('yaml');

let library: YamlLibrary | undefined;

/**
 * The `yaml` library, loaded on first use. Manifests are read with js-yaml
 * (fast-yaml.ts); `yaml` parses a file only for a diagnostic's place or a
 * file js-yaml could read differently, so most runs never load it (about
 * 60 ms of every command's start). Synchronous, as its callers are.
 *
 * @example
 * const { isMap } = yamlLibrary();
 */
export function yamlLibrary(): YamlLibrary {
  return (library ??= createRequire(packageFile('package.json'))('yaml') as YamlLibrary);
}
