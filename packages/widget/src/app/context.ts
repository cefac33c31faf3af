import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Strings } from '../i18n/locales';
import type { Host } from '../shared/bridge';
import type { ChatClient } from '../transport/chat-client';

export type WidgetContextValue = { host: Host; client: ChatClient; t: Strings; locale: string };

export const WidgetContext = createContext<WidgetContextValue | null>(null);

export function useWidget(): WidgetContextValue {
  const value = useContext(WidgetContext);
  if (!value) throw new Error('WidgetContext missing');
  return value;
}

export function initial(name: string | null | undefined): string {
  return (name?.trim() || '?').charAt(0);
}
