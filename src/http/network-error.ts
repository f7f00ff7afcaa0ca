import type { HttpRequest } from './send.ts';

interface ErrorWithDetail extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  socket?: { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number };
}

/** The errors a fetch failure wraps, outermost first (fetch's TypeError, undici's SocketError, the system error). */
export function causeChain(error: unknown): ErrorWithDetail[] {
  const chain: ErrorWithDetail[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 6; e = e.cause) chain.push(e as ErrorWithDetail);
  return chain;
}

/**
 * The connection was closed under a request before any byte of the answer came: undici's "other
 * side closed" (UND_ERR_SOCKET), or a reset or broken pipe on write. That is what a server's idle
 * keep-alive timeout does to a reused connection, and the request never reached the handler.
 */
export function closedBeforeAnswer(error: unknown): boolean {
  return causeChain(error).some((e) => e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET' || e.code === 'EPIPE');
}

function describe(e: ErrorWithDetail): string {
  const facts = [
    e.code,
    e.syscall,
    e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : undefined,
    e.socket?.remoteAddress ? `${e.socket.localAddress ?? '?'}:${e.socket.localPort ?? '?'} → ${e.socket.remoteAddress}:${e.socket.remotePort ?? '?'}` : undefined,
  ].filter(Boolean);
  return `${e.message}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

/** A request that got no HTTP answer, with what was being done and every cause: code, syscall, address. */
export class NetworkError extends Error {
  readonly code: string | undefined;

  constructor(request: Pick<HttpRequest, 'method' | 'url'>, cause: unknown, doing = 'no answer') {
    const chain = causeChain(cause);
    super(`${request.method} ${request.url}: ${doing}: ${chain.map(describe).join(' ← ') || String(cause)}`, { cause });
    this.name = 'NetworkError';
    this.code = chain.map((e) => e.code).find(Boolean);
  }
}
