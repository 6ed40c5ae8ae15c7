/**
 * The Logger port over pino: JSON lines when the output is a file or a pipe (what a log
 * collector reads), pino-pretty's colourful lines when a person watches a terminal.
 * pino-pretty runs as a stream in this thread rather than a transport worker, so that the
 * last lines before a shutdown are not lost with the worker.
 */
import pino from 'pino';
import pretty from 'pino-pretty';
import type { LogFields, Logger } from '../../handlers/ports/logger';

export function createLogger(level: string, tty = Boolean(process.stdout.isTTY)): Logger {
  const base = tty
    ? pino({ level }, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }))
    : pino({ level });
  return wrap(base);
}

function wrap(log: pino.Logger): Logger {
  return {
    info: (msg: string, fields?: LogFields) => log.info(fields ?? {}, msg),
    warn: (msg: string, fields?: LogFields) => log.warn(fields ?? {}, msg),
    error: (msg: string, fields?: LogFields) => log.error(fields ?? {}, msg),
    child: (fields: LogFields) => wrap(log.child(fields)),
  };
}
