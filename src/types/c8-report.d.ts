// c8 ships no types for its report module (the one its CLI uses); this is the part Gauntlet calls.
declare module 'c8/lib/report.js' {
  import type { CoverageMap } from 'istanbul-lib-coverage';

  interface ReportOptions {
    tempDirectory: string;
    reportsDirectory: string;
    reporter: string[];
    include: string[];
    exclude: string[];
    allowExternal?: boolean;
    excludeNodeModules?: boolean;
    excludeAfterRemap?: boolean;
    all?: boolean;
    src?: string[];
    resolve?: string;
  }

  interface Report {
    run(): Promise<void>;
    getCoverageMapFromAllCoverageFiles(): Promise<CoverageMap>;
  }

  export default function createReport(options: ReportOptions): Report;
}
