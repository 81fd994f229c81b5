/**
 * Streaming splitter for a JSON object whose members are mostly large arrays (the five-array export
 * document). It cuts each array into batches of whole elements and hands every batch to JSON.parse,
 * which is several times faster than a token-level streaming parser while memory stays bounded by
 * one chunk plus one element. Non-array members are handed over whole. Structural characters are
 * ASCII, so scanning UTF-8 bytes is safe.
 *
 * Finding element boundaries byte by byte costs a quarter of the parse, so inside a large array of
 * objects the scanner first tries a cut at the last `},{` of the buffer and lets JSON.parse judge it:
 * the text before a cut inside a string or a nested value is never a valid array, so a successful
 * parse proves the cut sits between two elements. A failed guess falls back to the byte scan.
 *
 * Fingerprints (fingerprint.ts): for one array (the export's entries) every element's bytes are
 * hashed. The byte scan knows each element's exact bytes. A guessed batch is split at every `},{`
 * in it; those are exactly its element boundaries when the batch holds no byte that could sit
 * between two elements (whitespace) or end the array (`]`), and the pieces are as many as the
 * elements JSON.parse found: a `},{` inside a string or a nested value would make one piece more. Elsewhere the batch's elements get no
 * fingerprint (0). Given the fingerprints already loaded (`known`), an element whose fingerprint
 * is among them is skipped without being parsed, and the rest of the batch is parsed piece by
 * piece joined into one array: a piece that is not a whole element fails that parse or leaves
 * fewer elements than pieces, and then `FingerprintConflict` tells the caller to read the payload
 * again without skipping.
 */
import { FingerprintConflict, type FingerprintSet, type Hasher } from './fingerprint.js';

export interface ScanSink {
  /**
   * Parsed elements of the top-level array member `key`, in order, a batch at a time; for the
   * fingerprinted array, with each element's fingerprint (0: none).
   */
  arrayBatch(key: string, items: unknown[], fingerprints?: BigInt64Array): void;
  /** A top-level member whose value is not an array, as JSON text. */
  value(key: string, json: string): void;
}

/** Which array is fingerprinted, with what, and which fingerprints are already loaded. */
export interface ScanFingerprints {
  readonly key: string;
  readonly hasher: Hasher;
  readonly known?: FingerprintSet | undefined;
}

/** How the scanner got through the document: the fast path's guards are tested on these. */
export interface ScanCounters {
  /** Batches (and their elements) parsed from a guessed `},{` cut. */
  fastBatches: number;
  fastItems: number;
  /** Batches (and their elements) whose boundaries the byte scan found. */
  slowBatches: number;
  slowItems: number;
  /** Elements of the fingerprinted array skipped because their fingerprint was known. */
  skipped: number;
  /** Elements of the fingerprinted array handed over without a fingerprint. */
  unfingerprinted: number;
}

export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

const enum S {
  Start,
  KeyOrEnd,
  Key,
  Colon,
  Value,
  ArrayFirst,
  ArrayElement,
  ArrayAfter,
  ArrayNext,
  Generic,
  AfterMember,
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where two objects meet in compact JSON; a guess at an element boundary (see the header). */
const CUT = Buffer.from('},{');
/** Below this many buffered bytes the byte scan is cheap enough. */
const FAST_MIN = 1 << 16;
/** Guesses per buffer before giving up on it (the end of an array, pretty-printed JSON). */
const FAST_TRIES = 3;
/**
 * Bytes that disqualify a batch from being split at `},{`: whitespace (which could sit between two
 * elements) and `]` (the end of the array, or an array inside an element). Export entries hold
 * neither; one byte each is a memchr, where a two-byte pattern cost 0.2 s over a 280 MB export.
 */
const LOOSE = [0x20, 0x0a, 0x0d, 0x09, 0x5d];

export class JsonTopLevelScanner {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes dropped from the front of `buf` so far, for error offsets. */
  private dropped = 0;
  private pos = 0;
  private state: S = S.Start;
  private key = '';
  private keyStart = -1;
  /** Start of the element or value being scanned. */
  private valueStart = -1;
  /** Start and end of the complete elements not yet handed over. */
  private batchStart = -1;
  private batchEnd = -1;
  // Generic value scanning state, resumable across chunks.
  private depth = 0;
  private inString = false;
  /** First content byte of the string being scanned, for counting escapes across chunk ends. */
  private stringFrom = -1;
  private primitive = false;
  /** The state to return to when a generic value completes. */
  private after: S = S.AfterMember;
  /** A guessed cut failed in this buffer: scan it byte by byte up to here. */
  private noGuessBefore = 0;
  /** Fingerprints (as 32-bit halves) of the byte-scanned elements not yet handed over. */
  private batchFingerprints: number[] = [];
  readonly counters: ScanCounters = {
    fastBatches: 0,
    fastItems: 0,
    slowBatches: 0,
    slowItems: 0,
    skipped: 0,
    unfingerprinted: 0,
  };

  /** `guessFrom`: buffered bytes from which a cut is guessed (FAST_MIN; tests lower it). */
  constructor(
    private readonly sink: ScanSink,
    private readonly guessFrom = FAST_MIN,
    private readonly fingerprints?: ScanFingerprints,
  ) {}

  /** The fingerprint settings when the array being read is the fingerprinted one. */
  private get hashing(): ScanFingerprints | undefined {
    return this.fingerprints?.key === this.key ? this.fingerprints : undefined;
  }

  /** Feeds the next chunk; hands over every complete element it contains. */
  write(chunk: Uint8Array): void {
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? incoming : Buffer.concat([this.buf, incoming]);
    this.noGuessBefore = 0;
    this.scan();
    this.flushBatch();
    this.compact();
  }

  /** Declares the input complete; throws a truncation error if the document is not. */
  end(): void {
    if (this.state !== S.Done) {
      throw new JsonScanError(
        `JSON document ends early at byte ${this.dropped + this.buf.length}`,
        this.dropped + this.buf.length,
        true,
      );
    }
    for (let i = this.pos; i < this.buf.length; i++) {
      if (!isWs(this.buf[i]!)) this.fail(i, 'unexpected data after the end of the document');
    }
  }

  get finished(): boolean {
    return this.state === S.Done;
  }

  private scan(): void {
    const buf = this.buf;
    const len = buf.length;
    while (this.pos < len) {
      switch (this.state) {
        case S.Start:
        case S.KeyOrEnd:
        case S.Key:
        case S.Colon:
        case S.Value:
        case S.ArrayFirst:
        case S.ArrayAfter:
        case S.ArrayNext:
        case S.AfterMember:
        case S.Done: {
          const c = buf[this.pos]!;
          if (isWs(c)) {
            this.pos++;
            continue;
          }
          if (!this.structural(c)) return;
          break;
        }
        case S.Generic:
        case S.ArrayElement:
          if (!this.scanValue()) return;
          break;
      }
    }
  }

  /** Handles one non-whitespace byte in a structural state. Returns false when more input is needed. */
  private structural(c: number): boolean {
    const at = this.pos;
    switch (this.state) {
      case S.Start:
        if (c !== LBRACE) this.fail(at, 'expected a JSON object');
        this.pos++;
        this.state = S.KeyOrEnd;
        return true;
      case S.KeyOrEnd:
      case S.Key:
        if (c === RBRACE && this.state === S.KeyOrEnd) {
          this.pos++;
          this.state = S.Done;
          return true;
        }
        if (c !== QUOTE) this.fail(at, 'expected a member name');
        if (this.keyStart < 0) this.keyStart = at;
        {
          const close = this.findStringEnd(this.keyStart + 1, this.keyStart + 1);
          if (close < 0) return false;
          this.key = JSON.parse(this.buf.toString('utf8', this.keyStart, close + 1)) as string;
          this.keyStart = -1;
          this.pos = close + 1;
          this.state = S.Colon;
        }
        return true;
      case S.Colon:
        if (c !== COLON) this.fail(at, "expected ':'");
        this.pos++;
        this.state = S.Value;
        return true;
      case S.Value:
        if (c === LBRACKET) {
          this.pos++;
          this.state = S.ArrayFirst;
        } else {
          this.beginValue(S.Generic, S.AfterMember);
        }
        return true;
      case S.ArrayFirst:
        if (c === RBRACKET) {
          this.pos++;
          this.sink.arrayBatch(this.key, []);
          this.state = S.AfterMember;
          return true;
        }
        if (c !== LBRACE || !this.guessCut(at)) this.beginValue(S.ArrayElement, S.ArrayAfter);
        return true;
      case S.ArrayNext:
        if (c === RBRACKET || c === COMMA) this.fail(at, 'expected an array element');
        if (c !== LBRACE || !this.guessCut(at)) this.beginValue(S.ArrayElement, S.ArrayAfter);
        return true;
      case S.ArrayAfter:
        if (c === COMMA) {
          this.pos++;
          this.state = S.ArrayNext;
        } else if (c === RBRACKET) {
          this.pos++;
          this.flushBatch();
          this.state = S.AfterMember;
        } else this.fail(at, "expected ',' or ']'");
        return true;
      case S.AfterMember:
        if (c === COMMA) this.state = S.Key;
        else if (c === RBRACE) this.state = S.Done;
        else this.fail(at, "expected ',' or '}'");
        this.pos++;
        return true;
      case S.Done:
        this.fail(at, 'unexpected data after the end of the document');
        return true;
      default:
        return true;
    }
  }

  private beginValue(state: S.Generic | S.ArrayElement, after: S): void {
    this.state = state;
    this.after = after;
    this.valueStart = this.pos;
    this.depth = 0;
    this.inString = false;
    const c = this.buf[this.pos]!;
    this.primitive = c !== LBRACE && c !== LBRACKET && c !== QUOTE;
  }

  /** Scans the current value; returns false when the chunk ended inside it. */
  private scanValue(): boolean {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    if (this.primitive) {
      while (pos < len) {
        const c = buf[pos]!;
        if (c === COMMA || c === RBRACE || c === RBRACKET || isWs(c)) {
          this.pos = pos;
          this.completeValue(pos);
          return true;
        }
        pos++;
      }
      this.pos = pos;
      return false;
    }
    let depth = this.depth;
    while (pos < len) {
      if (this.inString) {
        const close = this.findStringEnd(pos, this.stringFrom);
        if (close < 0) {
          this.pos = len;
          this.depth = depth;
          return false;
        }
        pos = close + 1;
        this.inString = false;
        if (depth === 0) {
          this.pos = pos;
          this.completeValue(pos);
          return true;
        }
        continue;
      }
      const c = buf[pos]!;
      if (c === QUOTE) {
        this.inString = true;
        pos++;
        this.stringFrom = pos;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
        pos++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        pos++;
        if (depth < 0) this.fail(pos - 1, 'unbalanced brackets');
        if (depth === 0) {
          this.depth = 0;
          this.pos = pos;
          this.completeValue(pos);
          return true;
        }
      } else pos++;
    }
    this.depth = depth;
    this.pos = pos;
    return false;
  }

  private completeValue(end: number): void {
    if (this.state === S.ArrayElement) {
      const hashing = this.hashing;
      if (hashing) {
        // The byte scan knows the element's exact bytes.
        const { hasher } = hashing;
        hasher.hash(this.buf, this.valueStart, end);
        if (hashing.known?.match(hasher.lo, hasher.hi)) {
          this.flushBatch();
          this.counters.skipped++;
          this.valueStart = -1;
          this.state = this.after;
          return;
        }
        this.batchFingerprints.push(hasher.lo, hasher.hi);
      }
      if (this.batchStart < 0) this.batchStart = this.valueStart;
      this.batchEnd = end;
    } else {
      this.sink.value(this.key, this.buf.toString('utf8', this.valueStart, end));
    }
    this.valueStart = -1;
    this.state = this.after;
  }

  /**
   * Index of the quote closing a string whose content starts at `contentStart`, searching from `from`;
   * -1 if it is not in the buffer yet. Escapes are counted back to the content start, so a backslash
   * at the end of one chunk still escapes a quote at the start of the next.
   */
  private findStringEnd(from: number, contentStart: number): number {
    const buf = this.buf;
    let at = from;
    for (;;) {
      const q = buf.indexOf(QUOTE, at);
      if (q < 0) return -1;
      let slashes = 0;
      for (let i = q - 1; i >= contentStart && buf[i] === BACKSLASH; i--) slashes++;
      if (slashes % 2 === 0) return q;
      at = q + 1;
    }
  }

  /**
   * At the start of an object element: parses everything from `at` up to the last `},{` of the
   * buffer as whole elements, if that text is a valid array (see the header). Returns false to
   * leave the element to the byte scan.
   */
  private guessCut(at: number): boolean {
    const buf = this.buf;
    if (buf.length - at < this.guessFrom || at < this.noGuessBefore) return false;
    const hashing = this.hashing;
    let from = buf.length - 1;
    for (let tries = 0; tries < FAST_TRIES; tries++) {
      const cut = buf.lastIndexOf(CUT, from);
      if (cut < at) break;
      if (hashing?.known && tight(buf, at, cut + 1)) {
        this.flushBatch();
        this.skipKnown(at, cut + 1, hashing);
      } else {
        let items: unknown[];
        try {
          items = JSON.parse(`[${buf.toString('utf8', at, cut + 1)}]`) as unknown[];
        } catch {
          from = cut - 1;
          continue;
        }
        this.flushBatch();
        this.handFast(items, hashing ? this.piecewise(at, cut + 1, items.length, hashing) : undefined);
      }
      this.pos = cut + 1;
      this.state = S.ArrayAfter;
      return true;
    }
    this.noGuessBefore = buf.length;
    return false;
  }

  private handFast(items: unknown[], fingerprints: BigInt64Array | undefined): void {
    this.counters.fastBatches++;
    this.counters.fastItems += items.length;
    this.sink.arrayBatch(this.key, items, fingerprints);
  }

  /**
   * Fingerprints of the elements of buf[start, end), a parsed batch of `count` elements, piece by
   * piece between `},{` cuts; all 0 unless the pieces are provably the elements (see the header).
   */
  private piecewise(start: number, end: number, count: number, hashing: ScanFingerprints): BigInt64Array {
    const out = new BigInt64Array(count);
    const halves = new Uint32Array(out.buffer);
    let n = 0;
    if (tight(this.buf, start, end))
      forEachPiece(this.buf, start, end, (s, e) => {
        if (n < count) hashing.hasher.into(this.buf, s, e, halves, n);
        n++;
      });
    if (n !== count) {
      out.fill(0n);
      this.counters.unfingerprinted += count;
    }
    return out;
  }

  /**
   * A batch given the fingerprints already loaded: pieces whose fingerprint is known are skipped,
   * the others are parsed as one array that must hold exactly one element per piece.
   */
  private skipKnown(start: number, end: number, hashing: ScanFingerprints): void {
    const buf = this.buf;
    const texts: string[] = [];
    const fingerprints: number[] = [];
    const { hasher, known } = hashing;
    forEachPiece(buf, start, end, (s, e) => {
      hasher.hash(buf, s, e);
      if (known!.match(hasher.lo, hasher.hi)) this.counters.skipped++;
      else {
        texts.push(buf.toString('utf8', s, e));
        fingerprints.push(hasher.lo, hasher.hi);
      }
    });
    if (texts.length === 0) return;
    let items: unknown[] | undefined;
    try {
      items = JSON.parse(`[${texts.join(',')}]`) as unknown[];
    } catch {
      items = undefined;
    }
    if (items?.length !== texts.length)
      throw new FingerprintConflict(`entries near byte ${this.dropped + start} are not cut where \`},{\` suggests`);
    this.handFast(items, fromHalves(fingerprints));
  }

  private flushBatch(): void {
    if (this.batchStart < 0) return;
    const start = this.batchStart;
    const text = this.buf.toString('utf8', start, this.batchEnd);
    const fingerprints = this.hashing ? fromHalves(this.batchFingerprints) : undefined;
    this.batchFingerprints = [];
    this.batchStart = -1;
    this.batchEnd = -1;
    let items: unknown[];
    try {
      items = JSON.parse(`[${text}]`) as unknown[];
    } catch (cause) {
      throw new JsonScanError(
        `Malformed element in ${this.key} after byte ${this.dropped + start}: ${(cause as Error).message}`,
        this.dropped + start,
        false,
      );
    }
    this.counters.slowBatches++;
    this.counters.slowItems += items.length;
    this.sink.arrayBatch(this.key, items, fingerprints);
  }

  /** Drops bytes no longer needed so the buffer holds at most one partial element or key. */
  private compact(): void {
    const keep = Math.min(
      this.pos,
      this.valueStart >= 0 ? this.valueStart : Infinity,
      this.keyStart >= 0 ? this.keyStart : Infinity,
    );
    if (keep <= 0) return;
    this.buf = this.buf.subarray(keep);
    this.dropped += keep;
    this.pos -= keep;
    if (this.valueStart >= 0) this.valueStart -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    if (this.inString) this.stringFrom -= keep;
  }

  private fail(at: number, message: string): never {
    const near = this.buf
      .toString('utf8', Math.max(0, at - 20), Math.min(this.buf.length, at + 20))
      .replace(/\s+/g, ' ');
    throw new JsonScanError(
      `Malformed JSON at byte ${this.dropped + at}: ${message} (near "${near}")`,
      this.dropped + at,
      false,
    );
  }
}

/** Whether buf[start, end) holds none of the LOOSE bytes (see the header). */
function tight(buf: Buffer, start: number, end: number): boolean {
  const range = buf.subarray(start, end);
  for (const c of LOOSE) if (range.indexOf(c) >= 0) return false;
  return true;
}

/** Calls `each(start, end)` for the pieces of buf[start, end) between `},{` cuts. */
function forEachPiece(buf: Buffer, start: number, end: number, each: (s: number, e: number) => void): void {
  let s = start;
  for (;;) {
    const cut = buf.indexOf(CUT, s);
    if (cut < 0 || cut + 1 >= end) break;
    each(s, cut + 1);
    s = cut + 2;
  }
  each(s, end);
}

/** 64-bit fingerprints from their 32-bit halves (low, high, low, high, ...). */
function fromHalves(halves: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(halves.length / 2);
  new Uint32Array(out.buffer).set(halves);
  return out;
}
