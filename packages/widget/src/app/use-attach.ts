import { useState } from 'preact/hooks';
import { type AttachModule, attachLoaded, loadAttach } from '../attach/load';

/** The attachments chunk once it is here; `need` fetches it, and the component re-renders when it arrives. */
export function useAttach(need: boolean): AttachModule | undefined {
  const [, arrived] = useState(0);
  if (need && !attachLoaded) void loadAttach().then(() => arrived(1));
  return attachLoaded;
}
