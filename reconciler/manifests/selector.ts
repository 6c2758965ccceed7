/**
 * Label selectors: `--selector key=value`, repeatable, and comma-separated
 * terms in one value (`tier=web,team=a`), all of which must match (AND).
 */

export interface LabelTerm {
  readonly key: string;
  readonly value: string;
}

export type LabelSelector = readonly LabelTerm[];

export class SelectorSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorSyntaxError';
  }
}

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Parses selector arguments; MUST throw SelectorSyntaxError for a term
 * that is not `key=value`.
 *
 * @example
 * parseSelector(['tier=web', 'team=a,env=prod']) // [{key:'tier',value:'web'}, {key:'team',value:'a'}, {key:'env',value:'prod'}]
 */
export function parseSelector(args: readonly string[]): LabelSelector {
  const terms: LabelTerm[] = [];
  for (const arg of args) {
    for (const term of arg.split(',')) {
      const match = /^([^=!]+)==?(.*)$/.exec(term.trim());
      if (!match || !KEY.test(match[1]!.trim())) throw new SelectorSyntaxError(`--selector: expected key=value, got '${term}'`);
      terms.push({ key: match[1]!.trim(), value: match[2]!.trim() });
    }
  }
  return terms;
}

/**
 * True when every term matches the labels.
 *
 * @example
 * matchesSelector({ tier: 'web' }, [{ key: 'tier', value: 'web' }]) // true
 */
export function matchesSelector(labels: Readonly<Record<string, string>> | undefined, selector: LabelSelector): boolean {
  return selector.every((term) => labels?.[term.key] === term.value);
}

/** `tier=web,team=a` for messages. */
export function formatSelector(selector: LabelSelector): string {
  return selector.map((term) => `${term.key}=${term.value}`).join(',');
}
