import type { PublicSiteConfig } from '@parley/protocol';
import type { Strings } from '../i18n/locales';

/** The contract between the loader (widget.js) and the lazily loaded app chunk. */

export type WidgetEvent = 'message' | 'open' | 'close';

/** `Parley('identify', …)`: a signed identity `token` (JWT), or the legacy `userId` + `userHash` pair. */
export type IdentifyData = {
  token?: string;
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
};

export type Host = {
  siteKey: string;
  /** Origin of the Parley server (where widget.js came from). */
  serverOrigin: string;
  /** A magic link's token (the script's data-resume): the chat opens on that conversation. */
  resume?: string | undefined;
  config: PublicSiteConfig;
  locale: string;
  shadow: ShadowRoot;
  /** The element inside the shadow root that holds launcher and panel. */
  frame: HTMLElement;
  /** The loader's launcher button; the app decorates it (close icon, unread badge, labels). */
  launcher: HTMLButtonElement;
  isOpen(): boolean;
  open(): void;
  close(): void;
  emit(event: WidgetEvent, payload?: unknown): void;
};

export type WidgetApp = {
  setOpen(open: boolean): void;
  identify(data: IdentifyData): void;
  shutdown(): void;
};

export type AppModule = { mount(host: Host, strings: Strings): WidgetApp };
export type LocaleModule = { default: Strings };
