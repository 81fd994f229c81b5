/**
 * Streaming splitter for a JSON object whose members are mostly large arrays (the five-array export
 * document). It scans bytes without building values, cuts each array into batches of whole elements
 * and hands every batch to JSON.parse, which is several times faster than a token-level streaming
 * parser while memory stays bounded by one chunk plus one element. Non-array members are handed over
 * whole. Structural characters are ASCII, so scanning UTF-8 bytes is safe.
 */

export interface ScanSink {
  /** Elements of the top-level array member `key`, as the text of a JSON array (`[e1,e2,...]`). */
  arrayBatch(key: string, json: string): void;
  /** A top-level member whose value is not an array, as JSON text. */
  value(key: string, json: string): void;
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

  constructor(private readonly sink: ScanSink) {}

  /** Feeds the next chunk; hands over every complete element it contains. */
  write(chunk: Uint8Array): void {
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? incoming : Buffer.concat([this.buf, incoming]);
    this.scan();
    this.flushBatch();
    this.compact();
  }

  /** Declares the input complete; throws a truncation error if the document is not. */
  end(): void {
    if (this.state !== S.Done) {
      throw new JsonScanError(`JSON document ends early at byte ${this.dropped + this.buf.length}`, this.dropped + this.buf.length, true);
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
          this.sink.arrayBatch(this.key, '[]');
          this.state = S.AfterMember;
          return true;
        }
        this.beginValue(S.ArrayElement, S.ArrayAfter);
        return true;
      case S.ArrayNext:
        if (c === RBRACKET || c === COMMA) this.fail(at, 'expected an array element');
        this.beginValue(S.ArrayElement, S.ArrayAfter);
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

  private flushBatch(): void {
    if (this.batchStart < 0) return;
    const text = this.buf.toString('utf8', this.batchStart, this.batchEnd);
    this.batchStart = -1;
    this.batchEnd = -1;
    this.sink.arrayBatch(this.key, `[${text}]`);
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
    const near = this.buf.toString('utf8', Math.max(0, at - 20), Math.min(this.buf.length, at + 20)).replace(/\s+/g, ' ');
    throw new JsonScanError(`Malformed JSON at byte ${this.dropped + at}: ${message} (near "${near}")`, this.dropped + at, false);
  }
}
