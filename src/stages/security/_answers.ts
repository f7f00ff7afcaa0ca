import type { HttpRequest, HttpResponse } from '../../http/send.ts';
import { sharedCoverage } from '../../openapi/api-coverage.ts';
import { responseFor, type Operation } from '../../openapi/operations.ts';
import { ResponseValidator } from '../../openapi/validate.ts';
import { operationOf } from '../contract/_hang.ts';

/**
 * Every answer the security stage gets, as the contract stage's are: counted toward the run's API
 * coverage, and judged against the document where it documents that status. An undocumented status
 * is the contract stage's to judge (its negatives ask for them); here, the body of a documented one.
 */
export class AnswerLedger {
  private readonly validator: ResponseValidator;
  /** Per operation, the first answer that is not what the document says for its status. */
  private readonly undocumented = new Map<string, { problems: string[]; request: HttpRequest; response: HttpResponse }>();

  constructor(
    private readonly operations: Operation[],
    openapiVersion: string,
  ) {
    this.validator = new ResponseValidator(openapiVersion);
  }

  observe(request: HttpRequest, response: HttpResponse): void {
    const op = response.status === 0 ? undefined : operationOf(this.operations, request);
    if (!op) return;
    sharedCoverage()?.record(op, response.status);
    if (!responseFor(op, response.status) || this.undocumented.has(op.id)) return;
    const problems = this.validator.problems(op, response);
    if (problems.length > 0) this.undocumented.set(op.id, { problems, request, response });
  }

  /** Per operation whose answers were not as documented: its id, the problems (at most five) and the first such exchange. */
  deviations(): { operation: string; problems: string[]; request: HttpRequest; response: HttpResponse }[] {
    return [...this.undocumented].map(([operation, d]) => ({ operation, ...d, problems: d.problems.slice(0, 5) }));
  }
}
