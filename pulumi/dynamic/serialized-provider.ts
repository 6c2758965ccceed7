import type * as pulumi from '@pulumi/pulumi';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * The provider object a dynamic resource hands to `pulumi.dynamic.Resource`.
 * Pulumi serializes it with its closure serializer into every resource's
 * state (`__provider`) and runs it later in another process
 * (`@pulumi/pulumi/cmd/dynamic-provider`), which compiles the text with
 * `require-from-string`. So:
 *
 * - It MUST capture nothing but three short strings (the kind, the Pulumi
 *   project and stack): every function it reaches is copied into the state.
 * - Its methods MUST load novaform at run time with a dynamic `import()` of
 *   the package specifier `novaform/pulumi/dynamic/runtime`: code compiled by
 *   require-from-string has no file name, so Node resolves that specifier
 *   from the provider process's working directory (the program's directory,
 *   where the Pulumi CLI starts it): the program's own `node_modules/novaform`,
 *   or the package itself when the program lives inside it. `require()`
 *   cannot be used: the package is ESM and Node 20 cannot require ESM.
 * - The methods are plain functions of their arguments: no `this`, so the
 *   serializer copies no prototype or class.
 * - A runtime that cannot be loaded is a one-line error naming the
 *   directory it was looked up from, with what to do when the package is
 *   not installed there or, in a checkout of novaform, not built (the
 *   runtime is compiled JavaScript in dist/: no `--import tsx` is needed).
 *
 * Where the work happens: runtime.ts (one set of operations per process).
 */

/** What `kindProvider` returns: a dynamic provider with every method Pulumi calls. */
export type KindProvider = Required<Pick<pulumi.dynamic.ResourceProvider, 'configure' | 'check' | 'diff' | 'create' | 'read' | 'update' | 'delete'>>;

/**
 * The dynamic provider for `kind`'s resources of one Pulumi project and stack.
 *
 * @example
 * new pulumi.dynamic.Resource(kindProvider('Flavor', pulumi.getProject(), pulumi.getStack()), 'small', props);
 */
export function kindProvider(kind: Kind, project: string, stack: string): KindProvider {
  // The specifier is a bare package name, resolved in the provider process (see above).
  const runtime = () =>
    import('novaform/pulumi/dynamic/runtime').then(
      (m) => m.kindOperations(kind, project, stack),
      (error: NodeJS.ErrnoException) => {
        const notBuilt = /[\\/]dist[\\/]/.test(error.message);
        const hint = error.code !== 'ERR_MODULE_NOT_FOUND' ? '' : notBuilt ? ' (a checkout of novaform must be built first: npm run build)' : ' (install novaform beside the program: npm install novaform)';
        throw new Error(`novaform's dynamic provider cannot load novaform/pulumi/dynamic/runtime from ${process.cwd()}: ${error.message}${hint}`);
      },
    );
  return {
    configure: async (req) => (await runtime()).configure(req),
    check: async (olds, news) => (await runtime()).check(olds, news),
    diff: async (id, olds, news) => (await runtime()).diff(id, olds, news),
    create: async (inputs) => (await runtime()).create(inputs),
    read: async (id, props) => (await runtime()).read(id, props),
    update: async (id, olds, news) => (await runtime()).update(id, olds, news),
    delete: async (id, props) => (await runtime()).delete(id, props),
  };
}
