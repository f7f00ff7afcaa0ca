import { curl, type HttpRequest, type HttpResponse } from '../../http/send.ts';
import type { CheckResult } from '../../results/types.ts';

/**
 * The verdict of an effect check that judges a write by a read (read-your-writes, listed, deleted,
 * counters): passed without problems; else failed with the problems and one replayable
 * reproduction, the write and then the read, with the read's answer.
 */
export function writeReadVerdict(
  id: string,
  title: string,
  problems: string[],
  write: { request: HttpRequest; response: HttpResponse; note?: string },
  read: { request: HttpRequest; response: HttpResponse },
): CheckResult {
  if (problems.length === 0) return { id, stage: 'contract', title, status: 'passed' };
  return {
    id,
    stage: 'contract',
    title,
    status: 'failed',
    message: [...problems, `reproduce: ${curl(write.request)}${write.note ?? ''}`, `then: ${curl(read.request)}`, `response: ${read.response.status} ${read.response.text.slice(0, 400)}`].join('\n'),
    evidence: { request: curl(write.request), status: write.response.status, read: curl(read.request), readStatus: read.response.status, body: read.response.text.slice(0, 2_000) },
  };
}
