// The server's log lines in Argo's formats: slog text (`time=... level=INFO msg="..." k=v`) or JSON,
// behind the small pino-shaped interface Fastify expects of a logger instance.
import type { FastifyBaseLogger } from 'fastify';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<string, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5, silent: 6 };

function textValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  return /^[\w./:@-]+$/.test(s ?? '') ? s : JSON.stringify(s ?? '');
}

export function createLogger(
  format: LogFormat,
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
  bindings: Record<string, unknown> = {},
): FastifyBaseLogger {
  const emit =
    (name: string) =>
    (objOrMsg?: unknown, msg?: string): void => {
      if (RANK[name] < RANK[level]) return;
      let fields: Record<string, unknown> = { ...bindings };
      let text = msg;
      if (typeof objOrMsg === 'string') text = objOrMsg;
      else if (objOrMsg instanceof Error) fields.error = objOrMsg.message;
      else if (objOrMsg && typeof objOrMsg === 'object') {
        const { err, ...rest } = objOrMsg as Record<string, unknown>;
        fields = { ...fields, ...rest };
        if (err instanceof Error) fields.error = err.message;
      }
      const time = new Date().toISOString();
      const lvl = name === 'fatal' ? 'ERROR' : name === 'trace' ? 'DEBUG' : name.toUpperCase();
      if (format === 'json') {
        write(`${JSON.stringify({ time, level: lvl.toLowerCase(), msg: text ?? '', ...fields })}\n`);
      } else {
        const kv = Object.entries(fields)
          .map(([k, v]) => ` ${k}=${textValue(v)}`)
          .join('');
        write(`time=${time} level=${lvl} msg=${JSON.stringify(text ?? '')}${kv}\n`);
      }
    };
  return {
    level,
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    fatal: emit('fatal'),
    silent: () => undefined,
    child: (more: Record<string, unknown>) => createLogger(format, level, write, { ...bindings, ...more }),
  } as unknown as FastifyBaseLogger;
}
