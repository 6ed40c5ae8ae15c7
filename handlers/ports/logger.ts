/**
 * Structured logging: one JSON line per event, every line carrying the correlation id of the
 * invocation it belongs to. Adapters may hand in pino; `jsonLogger` is the dependency-free default.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (the correlation id, the function name). */
  child(fields: LogFields): Logger;
}

export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  base: LogFields = {},
): Logger {
  const emit = (level: string, msg: string, fields?: LogFields) =>
    write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...base, ...fields }));
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => jsonLogger(write, { ...base, ...fields }),
  };
}

/** Discards everything; for tests that do not look at logs. */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
