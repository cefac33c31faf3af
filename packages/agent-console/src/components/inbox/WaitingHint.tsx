/** How many other chats wait for me, and the key that opens the next one. */
export function WaitingHint({ count }: { count: number }) {
  return (
    <p class="waiting-hint muted small" data-testid="waiting-hint">
      {count > 0 && (
        <>
          {count} waiting for you · <kbd>Alt</kbd>+<kbd>↓</kbd> next
        </>
      )}
    </p>
  );
}
