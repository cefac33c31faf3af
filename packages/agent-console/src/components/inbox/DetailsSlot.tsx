import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { setState } from '../../state/index.js';
import { Icon } from '../Icon.js';

/**
 * Where the visitor details live: a third column on wide screens; below 1180 px a drawer over the
 * conversation, opened by the header's Details button (aria-controls="visitor-panel") and closed by its own
 * Close button or Escape, focus moving in and back out.
 */
export function DetailsSlot({ open, children }: { open: boolean; children: ComponentChildren }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  return (
    <div id="visitor-panel" class={`visitor-slot${open ? ' open' : ''}`}>
      <button
        type="button"
        class="btn btn-ghost btn-sm visitor-close"
        ref={close}
        onClick={() => {
          setState({ detailsOpen: false });
          document.querySelector<HTMLButtonElement>('#details-toggle')?.focus();
        }}
      >
        <Icon name="close" size={14} /> Close details
      </button>
      {children}
    </div>
  );
}
