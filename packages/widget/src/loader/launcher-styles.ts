/**
 * Styles of the shadow host and the launcher (the app chunk adds the rest). The host resets everything
 * the page could leak in: `all: initial !important` on :host wins over any page rule for the host element,
 * so inherited fonts and colors stop here; page selectors never reach into the shadow tree.
 */
export const launcherCss = `:host{all:initial!important;display:block!important;position:static!important}
*{box-sizing:border-box}
.frame{position:fixed;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;text-align:start}
.launcher{all:unset;position:fixed;bottom:calc(20px + env(safe-area-inset-bottom,0px));right:calc(20px + env(safe-area-inset-right,0px));width:60px;height:60px;border-radius:50%;display:grid;place-items:center;cursor:pointer;background:var(--pc);color:var(--pt);box-shadow:0 6px 20px rgba(17,24,39,.24);transition:transform .18s}
.left .launcher{right:auto;left:calc(20px + env(safe-area-inset-left,0px))}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid var(--pc);outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}`;
