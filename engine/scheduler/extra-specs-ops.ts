/**
 * Nova's extra-spec comparison language (nova/scheduler/filters/extra_specs_ops.py),
 * used by AggregateInstanceExtraSpecsFilter to compare a flavor's requirement
 * with an aggregate metadata value:
 *
 * - `=`  numeric at-least (`= 4` matches 4 and 8), `==` `!=` `>=` `<=` numeric;
 * - `s==` `s!=` `s<` `s<=` `s>` `s>=` string comparisons;
 * - `<in> x` substring, `<all-in> a b` every word a substring;
 * - `<or> a <or> b` any of the words equals the value;
 * - anything else: the whole requirement must equal the value exactly.
 */
type Op = (value: string, operand: string) => boolean;

const numeric = (compare: (a: number, b: number) => boolean): Op => (value, operand) => {
  const a = Number.parseFloat(value);
  const b = Number.parseFloat(operand);
  // Python's float() raises on junk and the filter then fails the host.
  return !Number.isNaN(a) && !Number.isNaN(b) && compare(a, b);
};

const OPS: Record<string, Op> = {
  '=': numeric((a, b) => a >= b),
  '==': numeric((a, b) => a === b),
  '!=': numeric((a, b) => a !== b),
  '>=': numeric((a, b) => a >= b),
  '<=': numeric((a, b) => a <= b),
  '<in>': (value, operand) => value.includes(operand),
  's==': (a, b) => a === b,
  's!=': (a, b) => a !== b,
  's<': (a, b) => a < b,
  's<=': (a, b) => a <= b,
  's>': (a, b) => a > b,
  's>=': (a, b) => a >= b,
};

/** True when the aggregate metadata `value` satisfies the flavor requirement `req`. */
export function extraSpecMatches(value: string | undefined, req: string): boolean {
  const words = req.split(/\s+/).filter((w) => w !== '');
  const op = words.shift();
  if (op !== '<or>' && op !== '<all-in>' && (op === undefined || !(op in OPS))) return value === req;
  if (value === undefined) return false;
  if (op === '<or>') {
    // "<or> v1 <or> v2": every other word is a candidate.
    return words.filter((_, i) => i % 2 === 0).some((candidate) => candidate === value);
  }
  if (words.length === 0) return false;
  if (op === '<all-in>') return words.every((w) => value.includes(w));
  return OPS[op!]!(value, words[0]!);
}
