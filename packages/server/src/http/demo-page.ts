const escapeAttr = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small host page with the widget embedded, so a fresh install shows something real at `/`. */
export function demoPage(siteKey: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo</title>
<link rel="icon" href="data:,">
</head>
<body>
<main>
<h1>Parley is running</h1>
<p>This page embeds the chat widget of the default site. Open the bubble in the corner and say hello;
answer from the <a href="/console/">agent console</a>.</p>
<p>Embed it on your own site with:</p>
<pre><code>&lt;script src="${escapeAttr('/widget.js')}" data-site="${escapeAttr(siteKey)}" async&gt;&lt;/script&gt;</code></pre>
</main>
<script src="/widget.js" data-site="${escapeAttr(siteKey)}" async></script>
</body>
</html>`;
}
