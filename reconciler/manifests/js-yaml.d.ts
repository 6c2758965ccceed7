/**
 * The part of js-yaml (4.x) that fast-yaml.ts uses; the package ships no
 * types and @types/js-yaml is not installed.
 */
declare module 'js-yaml' {
  export interface Schema {
    extend(definition: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    resolve?: (data: string | null) => boolean;
    construct?: (data: string) => unknown;
  }
  export class Type {
    constructor(tag: string, options: TypeOptions);
  }
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const CORE_SCHEMA: Schema;
  export const types: { null: Type; bool: Type; int: Type; float: Type };
  export function loadAll(text: string, iterator?: undefined, options?: LoadOptions): unknown[];
}
