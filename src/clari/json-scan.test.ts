import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
});
