// A validator for the part of JSON Schema (draft 2020-12) the format schemas use: type, properties,
// required, additionalProperties, items, minItems, minLength, enum, const, pattern, anyOf and local
// $ref. Small enough to read; anything else in a schema (title, description, $schema...) is ignored.

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  minLength?: number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  anyOf?: Schema[];
  $ref?: string;
  $defs?: Record<string, Schema>;
}

/** The first thing wrong with `value`: its JSON pointer and what is wrong, or null when it is valid. */
export function validate(value: unknown, schema: Schema): { path: string; message: string } | null {
  return check(value, schema, schema, '');
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

const pointer = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

function check(v: unknown, s: Schema, root: Schema, path: string): { path: string; message: string } | null {
  const fail = (message: string) => ({ path: path || '/', message });
  if (s.$ref !== undefined) return check(v, deref(s, root), root, path);
  const t = typeOf(v);
  if (s.anyOf) {
    const errors = likelyMeant(v, t, s.anyOf.map((a) => deref(a, root))).map((a) => check(v, a, root, path));
    if (errors.length === 1 && errors[0] !== null) return errors[0];
    if (!errors.includes(null)) return fail(`must be ${s.anyOf.map((a) => describe(deref(a, root))).join(', or ')}`);
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!accepts(s.type, t)) return fail(`must be ${types.join(' or ')}, not ${t}`);
  }
  if (s.const !== undefined && v !== s.const) return fail(`must be ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(v)) return fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) return fail('must not be empty');
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) return fail(`must match ${s.pattern}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return fail(`must have at least ${s.minItems} item(s)`);
    if (s.items) {
      for (let i = 0; i < v.length; i++) {
        const e = check(v[i], s.items, root, pointer(path, i));
        if (e) return e;
      }
    }
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) return fail(`must have "${k}"`);
    for (const [k, item] of Object.entries(o)) {
      const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub) {
        const e = check(item, sub, root, pointer(path, k));
        if (e) return e;
      } else if (s.additionalProperties === false) {
        return { path: pointer(path, k), message: `unknown key (known: ${Object.keys(s.properties ?? {}).join(', ')})` };
      }
    }
  }
  return null;
}

const accepts = (type: string | string[], t: string): boolean =>
  (Array.isArray(type) ? type : [type]).some((want) => want === t || (want === 'number' && t === 'integer'));

function deref(s: Schema, root: Schema): Schema {
  if (s.$ref === undefined) return s;
  const target = root.$defs?.[s.$ref.replace(/^#\/\$defs\//, '')];
  if (!target) throw new Error(`schema: unknown $ref ${s.$ref}`);
  return deref(target, root);
}

/**
 * The alternatives of anyOf the value was most likely meant as, so that its error says what is wrong
 * with it: those of its type; of an object, those that know all its keys and whose `const` keys it has.
 */
function likelyMeant(v: unknown, t: string, alts: Schema[]): Schema[] {
  const narrow = (keep: (a: Schema) => boolean) => {
    const kept = alts.filter(keep);
    if (kept.length > 0) alts = kept;
  };
  narrow((a) => a.type === undefined || accepts(a.type, t));
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    narrow((a) => a.properties === undefined || Object.keys(o).every((k) => k in a.properties!));
    narrow((a) => Object.entries(a.properties ?? {}).every(([k, p]) => p.const === undefined || o[k] === p.const));
  }
  return alts;
}

/** An alternative of anyOf, in a few words. */
function describe(s: Schema): string {
  if (s.required?.length) return `an object with "${s.required.join('", "')}"`;
  return Array.isArray(s.type) ? s.type.join(' or ') : s.type ?? 'a value';
}
