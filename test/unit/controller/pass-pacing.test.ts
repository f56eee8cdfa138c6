import { describe, expect, it } from 'vitest';
import { PassPacing } from '../../../src/controller/pass-pacing.js';

const pacing = (): PassPacing => new PassPacing({ freeMs: 10, maxHoldMs: 1000 });

describe('PassPacing', () => {
  it('holds nothing back for a workflow it has not seen', () => {
    expect(pacing().dueAt('ns/wf', 500)).toBe(500);
  });

  it('holds nothing back after a cheap pass', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 10);
    expect(p.dueAt('ns/wf', 101)).toBe(101);
  });

  it('holds the next pass back as long as a costly one took, from its end', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 40);
    expect(p.dueAt('ns/wf', 110)).toBe(140);
    // Other workflows are not held by it.
    expect(p.dueAt('ns/other', 110)).toBe(110);
  });

  it('lets the pass go once the hold is over, and holds it no more after that', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 40);
    expect(p.dueAt('ns/wf', 140)).toBe(140);
    expect(p.dueAt('ns/wf', 120)).toBe(120);
  });

  it('holds back no longer than maxHoldMs however costly the pass', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 5000);
    expect(p.dueAt('ns/wf', 100)).toBe(1100);
  });

  it('a cheap pass after a costly one ends the hold', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 400);
    p.passed('ns/wf', 150, 3);
    expect(p.dueAt('ns/wf', 151)).toBe(151);
  });

  it('forgets a workflow that is gone', () => {
    const p = pacing();
    p.passed('ns/wf', 100, 400);
    p.forget('ns/wf');
    expect(p.dueAt('ns/wf', 101)).toBe(101);
  });
});
