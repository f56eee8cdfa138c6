// argoexec's log lines on stderr, in the two formats its --log-format offers. Pod logs of the
// init and wait containers are read by people debugging a failed step, so each line says what
// happened in words, with the facts as key=value pairs.
export type ExecutorLogFormat = 'text' | 'json';
export type ExecutorLogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<ExecutorLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface ExecutorLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function quote(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  return /^[\w./:@-]+$/.test(s ?? '') ? (s ?? '') : JSON.stringify(s ?? '');
}

export function executorLog(
  level: ExecutorLogLevel = 'info',
  format: ExecutorLogFormat = 'text',
  write: (line: string) => void = (line) => process.stderr.write(line),
): ExecutorLog {
  const emit =
    (at: ExecutorLogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[at] < RANK[level]) return;
      const time = new Date().toISOString();
      if (format === 'json') {
        write(`${JSON.stringify({ time, level: at, msg, argo: true, ...fields })}\n`);
        return;
      }
      const pairs = Object.entries(fields).map(([k, v]) => ` ${k}=${quote(v)}`);
      write(`time=${time} level=${at} msg=${quote(msg)} argo=true${pairs.join('')}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export function parseLogLevel(value: string | undefined): ExecutorLogLevel {
  const v = (value ?? 'info').toLowerCase();
  if (v === 'warning') return 'warn';
  if (v in RANK) return v as ExecutorLogLevel;
  throw new Error(`invalid log level "${value}": one of debug|info|warn|error`);
}

export function parseLogFormat(value: string | undefined): ExecutorLogFormat {
  const v = value ?? 'text';
  if (v === 'text' || v === 'json') return v;
  throw new Error(`invalid log format "${value}": one of text|json`);
}
