import type { CheckResult, RunResult, StageResult } from '../results/types.ts';

export interface RunInfo {
  environment: string;
  stages: string[];
  reportsDir: string;
}

/** Reporters subscribe to the engine's events; every hook is optional. */
export interface Reporter {
  onRunStart?(info: RunInfo): void;
  onEnvironmentReady?(info: { kind: string; postgres: string; redis: string; ms: number }): void;
  onTargetReady?(info: { name: string; url: string; ms: number }): void;
  onStageStart?(name: string): void;
  onCheck?(check: CheckResult): void;
  onStageEnd?(stage: StageResult): void;
  onRunEnd?(result: RunResult): void | Promise<void>;
}

/** Fans every event out to all reporters. */
export function combineReporters(reporters: Reporter[]): Required<Reporter> {
  const each =
    <K extends keyof Reporter>(key: K) =>
    (arg: Parameters<Required<Reporter>[K]>[0]) => {
      for (const r of reporters) (r[key] as ((a: typeof arg) => void) | undefined)?.call(r, arg);
    };
  return {
    onRunStart: each('onRunStart'),
    onEnvironmentReady: each('onEnvironmentReady'),
    onTargetReady: each('onTargetReady'),
    onStageStart: each('onStageStart'),
    onCheck: each('onCheck'),
    onStageEnd: each('onStageEnd'),
    onRunEnd: async (result) => {
      for (const r of reporters) await r.onRunEnd?.(result);
    },
  };
}
