/**
 * run.json: what a run was (scenario, auth mode, target profile, shape knobs, planned phases), so
 * that `npm run compare` can refuse to compare unlike runs and knows each phase's bounds. Written
 * beside summary.json by every catalogue scenario; small, bounded by the plan, and free of
 * secrets (no base URL, no credentials, only knob values and a profile's file name and paths).
 */
import type { Phase, PhaseReport } from '../scenario/shapes.ts';

export interface RunIdentity {
  version: 1;
  scenario: string;
  /** `session`, `token`, `dual`, `authorization-code`… */
  authMode: string;
  /** The target profile's file name (`-e PROFILE`, folders left out), or "built-in". */
  profile: string;
  /** The path protected requests go to: a run against another endpoint is another test. */
  protectedPath: string;
  /** `-e THRESHOLDS`, or the scenario's default profile. */
  thresholdsProfile: string;
  /** The scenario's shape knobs as used (`RATE`, `DURATION`…). */
  knobs: Record<string, string>;
  phaseReport: PhaseReport | null;
  phases: Phase[];
  /** The executor's planned length, ms. */
  plannedMs: number;
}

/** The last segment of a path: "profiles/my-api.json" → "my-api.json"; undefined → "built-in". */
export function profileLabel(file: string | undefined): string {
  if (file === undefined || file === '') return 'built-in';
  return (
    file
      .split(/[\\/]/)
      .filter((part) => part !== '')
      .pop() ?? 'built-in'
  );
}

/** run.json's text. */
export function formatRunIdentity(identity: RunIdentity): string {
  return `${JSON.stringify(identity, null, 2)}\n`;
}
