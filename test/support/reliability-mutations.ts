/**
 * Malformed events made from real ones: a fast-check arbitrary that takes a real payload (from
 * ../shared/fixtures/events) and breaks it at one or more places: a field deleted, replaced by a
 * value of another type, or the whole thing replaced. What a buggy producer, a schema change or
 * an attacker could put on a queue or an event bus.
 */
import fc from 'fast-check';

type Json = unknown;

/** Every path to a value inside `value` (objects and arrays walked), the root included. */
export function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  }
  return out;
}

function withChange(value: Json, path: (string | number)[], replacement: Json, remove: boolean): Json {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, Json>;
  const [head, ...rest] = path;
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = withChange(copy[head], rest, replacement, remove);
  return copy;
}

const oddValues: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, '', 0, -1, 1e308, true, [], {}, '%', '%E0%A4%A', '../..', 'a'.repeat(5000), '\u0000', '"quoted"'),
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 50 }),
);

/** `original` broken at 1-3 places. */
export function mutationsOf(original: Json): fc.Arbitrary<Json> {
  const paths = pathsOf(original);
  const change = fc.record({ path: fc.constantFrom(...paths), value: oddValues, remove: fc.boolean() });
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) =>
    changes.reduce((acc, c) => withChange(acc, c.path, c.value, c.remove), structuredClone(original)),
  );
}
