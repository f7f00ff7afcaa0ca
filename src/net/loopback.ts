import { isIP } from 'node:net';

/** Whether a URL's host is loopback: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Loopback, or a host the config allows (environment.external.loadAllowlist). */
export function mayTarget(url: string, allowlist: string[]): boolean {
  return isLoopbackUrl(url) || allowlist.includes(new URL(url).hostname);
}
