/**
 * The one redaction function. Logs, error messages, doctor output, reports, alerts and the debug
 * bundle all pass text through a Redactor that knows the run's secret values (API key, SMTP password,
 * webhook URLs) and also masks secret-shaped patterns it was not told about (URL credentials,
 * `apikey=` query strings, Slack webhook paths).
 */
export const REDACTED = '[REDACTED]';

/** Object keys whose values are always secrets, whatever their content. */
export const SECRET_KEY_PATTERN =
  /^(api[-_]?key|apikey|password|passwd|pass|secret|token|authorization|partnerkey|webhook[-_]?url|smtp[-_]?url|url[-_]?secret)$/i;

const PATTERNS: readonly [RegExp, string][] = [
  // scheme://user:password@host -> scheme://user:[REDACTED]@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // ?apikey=... or &token=...
  [/([?&](?:api[-_]?key|token|key|password|secret)=)[^&\s"']+/gi, `$1${REDACTED}`],
  // Slack incoming webhook paths
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g, `$1${REDACTED}`],
  // header dumps
  [/("?(?:apikey|authorization|x-api-key|x-api-password)"?\s*[:=]\s*"?)[^"\s,}]+/gi, `$1${REDACTED}`],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret value. Very short values are ignored: masking "abc" everywhere would garble text. */
  add(secret: string | undefined): this {
    if (!secret) return this;
    const trimmed = secret.trim();
    if (trimmed.length < 4) return this;
    this.secrets.add(trimmed);
    const encoded = encodeURIComponent(trimmed);
    if (encoded !== trimmed) this.secrets.add(encoded);
    return this;
  }

  redact(text: string): string {
    let out = text;
    // Longest first so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** Deep copy with secret-named keys masked and every string redacted. */
  redactValue<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 20 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY_PATTERN.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.walk(v, depth + 1);
    }
    return out;
  }
}
