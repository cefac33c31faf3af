const escapeAttr = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page of our own (no inline script or style: the strict CSP of security-headers.ts holds). */
function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttr(title)}</title>
<link rel="icon" href="data:,">${head}
</head>
<body>
${body}
</body>
</html>`;
}

/** A small host page with the widget embedded, so a fresh install shows something real at `/`. */
export function demoPage(siteKey: string): string {
  return page(
    'Parley demo',
    `<main>
<h1>Parley is running</h1>
<p>This page embeds the chat widget of the default site. Open the bubble in the corner and say hello;
answer from the <a href="/console/">agent console</a>.</p>
<p>Embed it on your own site with:</p>
<pre><code>&lt;script src="${escapeAttr('/widget.js')}" data-site="${escapeAttr(siteKey)}" async&gt;&lt;/script&gt;</code></pre>
</main>
<script src="/widget.js" data-site="${escapeAttr(siteKey)}" async></script>`,
  );
}

const NOT_INDEXED = '\n<meta name="robots" content="noindex">';

/** A magic link's page: the widget opens on the conversation the link reopens (handshake `resume`). */
export function resumePage(siteName: string, siteKey: string, token: string): string {
  return page(
    `Your conversation with ${siteName}`,
    `<main>
<h1>Your conversation with ${escapeAttr(siteName)}</h1>
<p>The chat opens in the corner of this page, with your conversation so far. You can keep writing there.</p>
</main>
<script src="/widget.js" data-site="${escapeAttr(siteKey)}" data-resume="${escapeAttr(token)}" async></script>`,
    NOT_INDEXED,
  );
}

/** What a magic link that no longer works (expired, altered, unknown) shows instead. */
export function expiredLinkPage(): string {
  return page(
    'This link has expired',
    `<main>
<h1>This link has expired</h1>
<p>This link has expired — open the chat on the website to continue the conversation.</p>
</main>`,
    NOT_INDEXED,
  );
}

/** When the store cannot be reached: try again in a moment. */
export function unavailablePage(): string {
  return page(
    'Chat briefly unavailable',
    `<main>
<h1>The chat is briefly unavailable</h1>
<p>Please reload this page in a moment.</p>
</main>`,
    NOT_INDEXED,
  );
}
