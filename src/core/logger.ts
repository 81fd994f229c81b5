/**
 * Logger port: the subset of pino that the code uses. The pino adapter (with redaction) is built in
 * app/; tests use memoryLogger to assert on what was logged.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  child(bindings: LogFields): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

export function memoryLogger(records: LogRecord[] = [], bindings: LogFields = {}): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord['level']) =>
    (fields: LogFields, message: string): void => {
      records.push({ level, message, fields: { ...bindings, ...fields } });
    };
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => memoryLogger(records, { ...bindings, ...more }),
  };
}
