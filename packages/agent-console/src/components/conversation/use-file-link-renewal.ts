import { useEffect } from 'preact/hooks';
import { renewFileLinks } from '../../state/index.js';

/**
 * How long before its files' links expire an open conversation asks for fresh ones; also the shortest wait,
 * so that a clock far ahead of the server's cannot make it ask again and again.
 */
const RENEW_AHEAD_MS = 60_000;

/**
 * Keeps the open conversation's file links working: a minute before the first of them expires (`expiresAt`,
 * ms; selectors.ts fileLinksExpireAt) the messages are asked for again with freshly signed ones.
 */
export function useFileLinkRenewal(conversationId: string, expiresAt: number | null) {
  useEffect(() => {
    if (expiresAt === null) return;
    const timer = setTimeout(
      () => void renewFileLinks(conversationId),
      Math.max(RENEW_AHEAD_MS, expiresAt - Date.now() - RENEW_AHEAD_MS),
    );
    return () => clearTimeout(timer);
  }, [conversationId, expiresAt]);
}
