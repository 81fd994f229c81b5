/**
 * Fingerprints of raw export entries: a 64-bit XXH64 of each entry's bytes exactly as Clari sent
 * them (xxhash-wasm), and the set of fingerprints the warehouse's current versions were loaded
 * from. An entry whose bytes hash to a fingerprint of that set is byte for byte an entry already
 * loaded, so a re-sync need not parse it. 0 means "no fingerprint" (the engine stores it as NULL);
 * a hash that happens to be 0 is taken as 1.
 *
 * Measured on the 1,040,000-entry export (bench/analysis.md): XXH64 through xxhash-wasm costs about
 * 0.28 µs an entry; its BigInt result is split through a typed array, not BigInt arithmetic.
 */
import xxhash from 'xxhash-wasm';

type H64 = (input: Uint8Array) => bigint;
// Instantiated once when the module loads (top-level await), so decoding never waits on it: a
// decoder driven by a fake clock must not wait on anything else.
const api = await xxhash();
const h64: H64 = (input) => api.h64Raw(input);

/** A hasher of byte ranges (each decoder has its own: it holds the last result). */
export function newHasher(): Hasher {
  return new Hasher(h64);
}

/** Hashes byte ranges into a pair of 32-bit halves (no BigInt arithmetic per entry). */
export class Hasher {
  private readonly slot = new BigUint64Array(1);
  private readonly halves = new Uint32Array(this.slot.buffer);
  lo = 0;
  hi = 0;

  constructor(private readonly h64: H64) {}

  /** Hashes buf[start, end) into `lo` and `hi` (never both 0). */
  hash(buf: Buffer, start: number, end: number): void {
    this.slot[0] = this.h64(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start));
    this.lo = this.halves[0]!;
    this.hi = this.halves[1]!;
    if (this.lo === 0 && this.hi === 0) this.lo = 1;
  }

  /** Hashes buf[start, end) into element `at` of `out`, given as its 32-bit halves. */
  into(buf: Buffer, start: number, end: number, out: Uint32Array, at: number): void {
    this.hash(buf, start, end);
    out[2 * at] = this.lo;
    out[2 * at + 1] = this.hi;
  }
}

/** The loaded set was not usable as it stands (a repeated fingerprint): load without skipping. */
export class FingerprintConflict extends Error {}

/**
 * The fingerprints of the current versions, as an open-addressing table on two 32-bit halves, with
 * a mark for each fingerprint matched by an entry of the payload being read. What was never
 * matched afterwards (`unmatched`) is what changed or left the export.
 */
export class FingerprintSet {
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  /** Fingerprints in the set. */
  readonly size: number;
  /** Payload entries matched so far. */
  matched = 0;

  constructor(fingerprints: BigInt64Array) {
    let slots = 16;
    while (slots < fingerprints.length * 2) slots *= 2;
    this.mask = slots - 1;
    this.lo = new Uint32Array(slots);
    this.hi = new Uint32Array(slots);
    this.used = new Uint8Array(slots);
    const halves = new Uint32Array(fingerprints.buffer, fingerprints.byteOffset, fingerprints.length * 2);
    let size = 0;
    for (let i = 0; i < fingerprints.length; i++) {
      const lo = halves[2 * i]!;
      const hi = halves[2 * i + 1]!;
      if (lo === 0 && hi === 0) continue;
      let s = this.slotOf(lo, hi);
      while (this.used[s] !== 0) {
        // Two current versions with one fingerprint: bytes cannot say which one an entry is.
        if (this.lo[s] === lo && this.hi[s] === hi) throw new FingerprintConflict('a fingerprint repeats');
        s = (s + 1) & this.mask;
      }
      this.used[s] = 1;
      this.lo[s] = lo;
      this.hi[s] = hi;
      size++;
    }
    this.size = size;
  }

  /**
   * Whether (lo, hi) is in the set and not matched yet; marks it matched. A second entry with the
   * same bytes is not matched again (it is parsed, and the load's checks see the repeated key).
   */
  match(lo: number, hi: number): boolean {
    let s = this.slotOf(lo, hi);
    while (this.used[s] !== 0) {
      if (this.lo[s] === lo && this.hi[s] === hi) {
        if (this.used[s] === 2) return false;
        this.used[s] = 2;
        this.matched++;
        return true;
      }
      s = (s + 1) & this.mask;
    }
    return false;
  }

  /** The fingerprints no entry matched: versions whose entry changed or left the export. */
  unmatched(): BigInt64Array {
    const out = new BigInt64Array(this.size - this.matched);
    const halves = new Uint32Array(out.buffer);
    let n = 0;
    for (let s = 0; s <= this.mask; s++) {
      if (this.used[s] !== 1) continue;
      halves[2 * n] = this.lo[s]!;
      halves[2 * n + 1] = this.hi[s]!;
      n++;
    }
    return out;
  }

  private slotOf(lo: number, hi: number): number {
    // The halves are already well mixed (XXH64): fold them.
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
  }
}
