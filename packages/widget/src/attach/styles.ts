/** Styles of the attachments chunk, adopted into the widget's shadow root the first time one of its views draws. */
export const attachCss = `
.composer{flex-wrap:wrap}
.tray{flex:1 0 100%;display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
.chip{display:flex;align-items:center;gap:6px;max-width:100%;padding-block:4px;padding-inline:8px 4px;border-radius:10px;background:#f3f4f6;font-size:13px}
.fprev{flex:none;width:32px;height:32px;object-fit:cover;border-radius:6px}
.fname{min-width:0;max-width:180px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.fsize{white-space:nowrap;opacity:.8;font-size:13px}
.fremove{flex:none;width:28px;height:28px;border-radius:8px;font-size:18px;line-height:1}
.fremove:hover{background:#e5e7eb}
.tnote{flex:1 0 100%;margin:0;font-size:13px;color:#b42318}
.files{display:flex;flex-direction:column;gap:6px;white-space:normal}
.files:not(:first-child){margin-top:6px}
.bubble .file{display:flex;align-items:center;gap:8px;color:inherit;text-decoration:none;font-size:14px}
.bubble a.file .fname{text-decoration:underline;text-underline-offset:2px}
.file svg{flex:none;width:20px;height:20px;fill:currentColor}
.fthumb{display:block;border-radius:10px;overflow:hidden}
.fthumb img{display:block;max-width:100%;width:auto;height:auto;max-height:200px}
.files progress{display:block;width:100%;height:6px;accent-color:currentColor}
.fnote{margin:0;font-size:13px}
.fcancel{align-self:flex-start;font-size:13px;font-weight:600;text-decoration:underline;text-underline-offset:2px}
`;

const adopted = new WeakSet<ShadowRoot>();

export function adoptStyles(shadow: ShadowRoot): void {
  if (adopted.has(shadow)) return;
  adopted.add(shadow);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(attachCss);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
}
