/**
 * Structured logs as Cloud Logging reads them: one JSON line on stdout, `severity` and `message`
 * as the special fields it maps (https://cloud.google.com/logging/docs/structured-logging);
 * any other field lands in `jsonPayload`, the correlation id among them.
 */
import type { LogFields, Logger } from '../../handlers/ports/logger';

export function cloudLoggingLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  base: LogFields = {},
): Logger {
  const emit = (severity: string, message: string, fields?: LogFields) =>
    write(JSON.stringify({ severity, message, time: new Date().toISOString(), ...base, ...fields }));
  return {
    info: (msg, fields) => emit('INFO', msg, fields),
    warn: (msg, fields) => emit('WARNING', msg, fields),
    error: (msg, fields) => emit('ERROR', msg, fields),
    child: (fields) => cloudLoggingLogger(write, { ...base, ...fields }),
  };
}
