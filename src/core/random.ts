/**
 * Seeded randomness. Jitter, ids and the simulator's tenant all take a Random so runs are
 * reproducible from a seed and tests can pin them.
 */
export type Random = () => number;

/** sfc32: small, fast, good enough statistically for simulation and jitter. */
export function seededRandom(seed: number | string): Random {
  let h = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  let a = (h ^= 0x9e3779b9) >>> 0;
  let b = Math.imul(h, 0x85ebca6b) >>> 0;
  let c = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  let d = 0x6d2b79f5 ^ h;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** FNV-1a 32-bit, for deriving sub-seeds from strings. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function randomInt(random: Random, min: number, maxInclusive: number): number {
  return min + Math.floor(random() * (maxInclusive - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Hex string of `length` characters. */
export function randomHex(random: Random, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}
