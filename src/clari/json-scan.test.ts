import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintConflict, FingerprintSet, newHasher } from './fingerprint.js';
import { JsonScanError, JsonTopLevelScanner } from './json-scan.js';

/** Scans `text` in chunks of the given sizes; returns every member as the scanner handed it over. */
function scan(text: string, sizes: readonly number[], guessFrom: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const scanner = new JsonTopLevelScanner(
    {
      arrayBatch: (key, items) => void ((out[key] as unknown[] | undefined) ?? (out[key] = [])).push(...items),
      value: (key, json) => void (out[key] = JSON.parse(json)),
    },
    guessFrom,
  );
  const bytes = Buffer.from(text);
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    scanner.write(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
  return out;
}

// Strings full of what a guessed cut could be fooled by: braces, commas, quotes, backslashes.
const tricky = fc.stringMatching(/^[a-z{},"\\:[\] é€😀]{0,12}$/u);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(tricky, tie('node'), { maxKeys: 3 }),
  ),
})).node;
const element = fc.dictionary(tricky, value, { maxKeys: 5 });
const document = fc.record({
  entries: fc.array(element, { maxLength: 40 }),
  users: fc.array(element, { maxLength: 5 }),
  version: value,
});

describe('JsonTopLevelScanner', () => {
  it('hands over exactly the parsed document, whether cuts are guessed or scanned, however it is chunked', () => {
    fc.assert(
      fc.property(
        document,
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(1, 64, 1 << 16),
        fc.boolean(),
        (doc, sizes, guessFrom, pretty) => {
          const text = pretty ? JSON.stringify(doc, null, 1) : JSON.stringify(doc);
          expect(scan(text, sizes, guessFrom)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it('a guessed cut inside a string that looks like two objects meeting is never taken', () => {
    const entries = [{ note: 'a},{"b":1}' }, { note: '},{' }, { x: { y: 1 }, z: [{ a: 1 }, { b: 2 }] }, { last: true }];
    const text = JSON.stringify({ entries });
    for (const size of [1, 3, 7, text.length]) expect(scan(text, [size], 1)).toEqual({ entries });
  });

  it('a malformed element fails typed, not truncated, with the guess on or off', () => {
    const text = `{"entries":[${'{"a":1},'.repeat(20)}{"a":}]}`;
    for (const guessFrom of [1, 1 << 16]) {
      let error: unknown;
      try {
        scan(text, [16], guessFrom);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JsonScanError);
      expect((error as JsonScanError).truncated).toBe(false);
    }
  });

  it('a document cut off in the middle of a large array is truncated', () => {
    const text = JSON.stringify({ entries: Array.from({ length: 50 }, (_, i) => ({ i })) });
    expect(() => scan(text.slice(0, Math.floor(text.length * 0.6)), [13], 1)).toThrow(
      expect.objectContaining({ truncated: true }),
    );
  });

  it('skipping by fingerprint hands over exactly the entries not already held, or asks for a full read', () => {
    // Day 1 is read whole, keeping each entry's fingerprint; day 2 (entries changed, removed,
    // added, reordered) is read skipping the fingerprints of day 1. Unless the scanner asks for a
    // full read, what it hands over plus the day-1 entries it skipped is day 2's entries, exactly.
    const withText = element.map((e) => ({ ...e, note: 'plain' }));
    const seen = { skipped: 0, fullReads: 0 };
    fc.assert(
      fc.property(
        fc.array(withText, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('keep', 'change', 'drop', 'add')), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(1, 64, 1 << 16),
        (entries, edits, sizes, guessFrom) => {
          const first = read(JSON.stringify({ entries }), sizes, guessFrom);
          const next: Record<string, unknown>[] = entries.map((e) => ({ ...e }));
          for (const [at, edit] of edits) {
            const i = at % next.length;
            if (edit === 'change') next[i] = { ...next[i]!, note: `changed ${at}` };
            if (edit === 'drop' && next.length > 1) next.splice(i, 1);
            if (edit === 'add') next.push({ added: at, note: '},{"x":1},{' });
          }
          next.reverse();
          let known: FingerprintSet;
          let second: ReturnType<typeof read>;
          try {
            // Two equal entries on day 1 share a fingerprint: the set refuses them (a full read).
            known = new FingerprintSet(first.fingerprints);
            second = read(JSON.stringify({ entries: next }), sizes, guessFrom, known);
          } catch (error) {
            expect(error).toBeInstanceOf(FingerprintConflict);
            seen.fullReads++;
            return;
          }
          const heldBefore = new Map<bigint, unknown>();
          first.fingerprints.forEach((f, i) => heldBefore.set(f, first.items[i]));
          const unmatched = new Set(known.unmatched());
          const skipped = [...first.fingerprints].filter((f) => f !== 0n && !unmatched.has(f));
          const got = [...second.items, ...skipped.map((f) => heldBefore.get(f))];
          const canon = (xs: unknown[]): string[] => xs.map((x) => JSON.stringify(x)).sort();
          expect(canon(got)).toEqual(canon(next));
          expect(second.skipped).toBe(skipped.length);
          seen.skipped += second.skipped;
        },
      ),
      { numRuns: 300, seed: 20261207 },
    );
    // Not vacuous: entries were skipped, and some documents did need the full read.
    expect(seen.skipped).toBeGreaterThan(500);
    expect(seen.fullReads).toBeGreaterThan(0);
  });
});

/** The entries of a document with their fingerprints, skipping those in `known`. */
function read(
  text: string,
  sizes: readonly number[],
  guessFrom: number,
  known?: FingerprintSet,
): { items: unknown[]; fingerprints: BigInt64Array; skipped: number } {
  const items: unknown[] = [];
  const fingerprints: bigint[] = [];
  const scanner = new JsonTopLevelScanner(
    {
      arrayBatch: (_key, batch, prints) => {
        items.push(...batch);
        fingerprints.push(...(prints ?? new BigInt64Array(batch.length)));
      },
      value: () => undefined,
    },
    guessFrom,
    { key: 'entries', hasher: newHasher(), known },
  );
  const bytes = Buffer.from(text);
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    scanner.write(bytes.subarray(at, at + size));
    at += size;
  }
  scanner.end();
  return { items, fingerprints: BigInt64Array.from(fingerprints), skipped: scanner.counters.skipped };
}
