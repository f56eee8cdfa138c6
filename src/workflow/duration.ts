// Go-style durations as Argo accepts them: "90", "1m30s", "1.5h", "300ms", "2h45m".
import { parseDuration } from './expr/time.js';

export class DurationError extends Error {}

/** Parses a Go time.Duration string (time.ParseDuration) into milliseconds. */
export function parseGoDuration(text: string): number {
  try {
    return Number(parseDuration(text.trim())) / 1e6;
  } catch (err) {
    throw new DurationError((err as Error).message);
  }
}

/**
 * A Go duration from the environment variable `name`, as upstream's env.LookupEnvDurationOr reads
 * its tuning variables: unset, unparsable or negative gives `fallbackMs`.
 */
export function goDurationFromEnv(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const text = env[name];
  if (!text) return fallbackMs;
  try {
    const ms = parseGoDuration(text);
    return ms >= 0 ? ms : fallbackMs;
  } catch {
    return fallbackMs;
  }
}

/** Argo's wfv1.ParseStringToDuration: a bare integer means seconds, otherwise a Go duration. */
export function parseArgoDuration(text: string | number): number {
  if (typeof text === 'number') return text * 1000;
  if (/^[+-]?\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  try {
    return parseGoDuration(text);
  } catch (err) {
    throw new DurationError(`unable to parse ${text} as a duration: ${(err as Error).message}`);
  }
}
