// Phases as Argo shows them: one colour and one symbol each (the colours are CSS variables, so the
// dark scheme has its own).
import type { NodePhase, WorkflowPhase } from '../api/types';

export type AnyPhase = NodePhase | WorkflowPhase | undefined;

const SYMBOLS: Record<string, string> = {
  Pending: '◌',
  Running: '◔',
  Succeeded: '✔',
  Failed: '✖',
  Error: '⚠',
  Skipped: '↷',
  Omitted: '○',
};

/** The CSS class of a phase (`phase-succeeded`); unknown and empty phases are pending. */
export function phaseClass(phase: AnyPhase): string {
  return `phase-${(phase || 'Pending').toLowerCase()}`;
}

export function PhaseBadge({ phase }: { phase: AnyPhase }) {
  const name = phase || 'Pending';
  return (
    <span className={`phase ${phaseClass(phase)}`} data-phase={name}>
      <span aria-hidden="true">{SYMBOLS[name] ?? '•'}</span> {name}
    </span>
  );
}

export const WORKFLOW_PHASES: WorkflowPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'];

export function isDone(phase: AnyPhase): boolean {
  return (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Error' ||
    phase === 'Skipped' ||
    phase === 'Omitted'
  );
}
