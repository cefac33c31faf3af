import { toast } from '../../state/index.js';

/** Copies to the clipboard and says so (or that it failed). */
export async function copy(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied`);
  } catch {
    toast('Copy failed — select the text and copy it by hand', 'error');
  }
}
