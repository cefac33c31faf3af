import type { PublicSiteConfig } from '@parley/protocol';
import { openChatLabel, pickLocale } from './i18n/launcher-strings';
import { installGlobal } from './loader/command-queue';
import { createLauncher } from './loader/launcher';
import { launcherCss } from './loader/launcher-styles';
import type { AppModule, Host, IdentifyData, LocaleModule, WidgetApp, WidgetEvent } from './shared/bridge';
import { readItem, storageKeys, writeItem } from './shared/storage';
import { normalizeColor, textOn } from './ui/color';

/**
 * widget.js — the embed loader. Small on purpose: it installs `window.Parley`, renders the launcher
 * in a shadow root and loads the chat app chunk from `<server>/widget/` on first open.
 */

declare const __PARLEY_APP__: string;
declare const __PARLEY_LOCALES__: Record<string, string>;

type Ui = {
  host: HTMLDivElement;
  frame: HTMLDivElement;
  launcher: HTMLButtonElement;
  config: PublicSiteConfig;
  locale: string;
};

function boot(script: HTMLScriptElement | null): void {
  const win = window as unknown as Parameters<typeof installGlobal>[0];
  if (win.Parley?.loaded) {
    console.warn('[parley] loaded twice');
    return;
  }
  const site = script?.dataset.site;
  if (!script?.src || !site) {
    console.warn('[parley] data-site missing');
    return;
  }
  const siteKey: string = site;
  const resume = script.dataset.resume;
  const src = new URL(script.src, location.href);
  const serverOrigin = src.origin;
  const chunkBase = new URL('widget/', src).href;
  const keys = storageKeys(siteKey);
  const listeners: Record<WidgetEvent, Set<(payload?: unknown) => void>> = {
    message: new Set(),
    open: new Set(),
    close: new Set(),
  };
  const identities: IdentifyData[] = [];
  let isOpen = false;
  let dead = false;
  let app: WidgetApp | null = null;
  let appLoading: Promise<WidgetApp | null> | null = null;

  const emit = (event: WidgetEvent, payload?: unknown) => {
    for (const fn of listeners[event]) {
      try {
        fn(payload);
      } catch (err) {
        console.error(err);
      }
    }
  };

  // Each step below runs in a task of its own, in the page's idle time: each stays short, none lands inside
  // the host page's own tasks, and the two that change the page are drawn in two frames rather than one.
  // The bench's widget scenario measures this (docs/performance.md).
  const ready: Promise<Ui | null> = whenIdle()
    .then(() =>
      fetch(`${serverOrigin}/api/widget/config?siteKey=${encodeURIComponent(siteKey)}`, { credentials: 'omit' }),
    )
    .then((res) => (res.ok ? (res.json() as Promise<PublicSiteConfig>) : Promise.reject(new Error(`${res.status}`))))
    .then((config) =>
      whenLoaded()
        .then(whenIdle)
        .then(() => (dead ? null : insertShell(config))),
    )
    .then((shell) => shell && whenIdle().then(() => addLauncher(shell)))
    .catch((err) => {
      console.warn('[parley] no site settings', err);
      return null;
    });

  /** Puts the shadow root, its style sheets and an empty frame in the page: nothing to see yet. */
  function insertShell(config: PublicSiteConfig): Omit<Ui, 'launcher'> {
    const locale = pickLocale(config.locale, navigator.languages ?? [navigator.language]);
    const host = document.createElement('div');
    host.id = 'parley-root';
    const shadow = host.attachShadow({ mode: 'open' });
    const base = new CSSStyleSheet();
    base.replaceSync(launcherCss);
    const color = normalizeColor(config.color);
    const theme = new CSSStyleSheet();
    theme.replaceSync(`.frame{--pc:${color};--pt:${textOn(color)}}`);
    shadow.adoptedStyleSheets = [base, theme];
    const frame = document.createElement('div');
    frame.className = config.position === 'left' ? 'frame left' : 'frame';
    shadow.append(frame);
    document.body.append(host);
    return { host, frame, config, locale };
  }

  /** Adds the launcher to the frame already in the page (or takes the shell out again after a shutdown). */
  function addLauncher(shell: Omit<Ui, 'launcher'>): Ui | null {
    if (dead) {
      shell.host.remove();
      return null;
    }
    const launcher = createLauncher(openChatLabel[shell.locale]!, () => (isOpen ? commands.close() : commands.open()));
    shell.frame.append(launcher);
    // a conversation is going on: have the app ready (and listening for replies) without waiting for a click.
    // The first read of localStorage waits on the browser process, so it runs in a task of its own.
    // a magic link (data-resume): the chat opens on its conversation
    void whenIdle().then(() => {
      if (resume) commands.open();
      else if (!dead && readItem('local', keys.open)) void loadApp();
    });
    return { ...shell, launcher };
  }

  function loadApp(): Promise<WidgetApp | null> {
    const load = (file: string) => import(/* @vite-ignore */ chunkBase + file);
    appLoading ??= ready
      .then((ui) =>
        ui
          ? Promise.all([
              load(__PARLEY_APP__) as Promise<AppModule>,
              load(__PARLEY_LOCALES__[ui.locale]!) as Promise<LocaleModule>,
            ]).then(([mod, strings]) => {
              if (dead) return null;
              app = mod.mount(hostApi(ui), strings.default);
              for (const data of identities.splice(0)) app.identify(data);
              return app;
            })
          : null,
      )
      .catch((err) => {
        console.warn('[parley] chat failed to load', err);
        appLoading = null;
        return null;
      });
    return appLoading;
  }

  function hostApi(ui: Ui): Host {
    return {
      siteKey,
      serverOrigin,
      resume,
      config: ui.config,
      locale: ui.locale,
      shadow: ui.host.shadowRoot!,
      frame: ui.frame,
      launcher: ui.launcher,
      isOpen: () => isOpen,
      open: () => commands.open(),
      close: () => commands.close(),
      emit,
    };
  }

  const commands = {
    open() {
      if (dead || isOpen) return;
      isOpen = true;
      void loadApp().then(async (loaded) => {
        const ui = await ready;
        if (!loaded || !ui || !isOpen) {
          isOpen = false;
          return;
        }
        ui.frame.classList.add('open');
        loaded.setOpen(true);
        emit('open');
      });
    },
    close() {
      if (dead || !isOpen) return;
      isOpen = false;
      void ready.then((ui) => {
        if (!ui) return;
        // move focus back only when it was inside the widget: a page calling Parley('close') keeps its own
        const hadFocus = document.activeElement === ui.host;
        app?.setOpen(false);
        ui.frame.classList.remove('open');
        if (hadFocus) ui.launcher.focus();
        emit('close');
      });
    },
    identify(data: IdentifyData) {
      if (dead) return;
      if (app) app.identify(data);
      else identities.push(data);
    },
    on(event: WidgetEvent, fn: (payload?: unknown) => void) {
      listeners[event].add(fn);
    },
    shutdown() {
      if (dead) return;
      dead = true;
      isOpen = false;
      app?.shutdown();
      for (const key of [keys.token, keys.open, keys.preChat]) writeItem('local', key, null);
      writeItem('session', keys.outbox, null);
      void ready.then((ui) => ui?.host.remove());
      for (const set of Object.values(listeners)) set.clear();
    },
  };

  installGlobal(win, commands);
}

/** Resolves in a task of its own once the page is idle (or after at most half a second of a busy page). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) =>
    'requestIdleCallback' in window ? requestIdleCallback(() => resolve(), { timeout: 500 }) : setTimeout(resolve, 1),
  );
}

/**
 * Resolves once the page has loaded, or 3 s after the site settings arrived on a page whose images keep
 * loading: the launcher is drawn after the page's own first frames, not in between them.
 */
function whenLoaded(): Promise<void> {
  return new Promise((resolve) => {
    if (document.readyState === 'complete') return resolve();
    addEventListener('load', () => resolve(), { once: true });
    setTimeout(resolve, 3000);
  });
}

// The script's own task only finds its tag (which the page knows only while the script runs) and leaves the
// rest, even installing `window.Parley`, to the page's idle time: commands called before then wait in the
// snippet's queue.
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[data-site][src*="widget.js"]');
void whenIdle().then(() => boot(script));
