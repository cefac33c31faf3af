/** Styles of the chat panel, adopted into the shadow root as a constructable stylesheet. */
export const panelCss = `
.frame{--safe-b:env(safe-area-inset-bottom,0px);--safe-r:env(safe-area-inset-right,0px);--safe-l:env(safe-area-inset-left,0px);-webkit-font-smoothing:antialiased}
[hidden]{display:none!important}
.launcher{box-shadow:0 6px 20px rgba(17,24,39,.22),0 2px 6px rgba(17,24,39,.16)}
.launcher svg{transition:transform .2s ease,opacity .2s ease}
.launcher .i-close{position:absolute;opacity:0;transform:rotate(-45deg) scale(.6)}
.launcher[aria-expanded=true] .i-chat{opacity:0;transform:rotate(45deg) scale(.6)}
.launcher[aria-expanded=true] .i-close{opacity:1;transform:none}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d92d20;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 2px #fff}
@media (max-width:480px){.open .launcher{display:none}}
.panel{position:fixed;z-index:1;bottom:calc(92px + var(--safe-b));right:calc(20px + var(--safe-r));width:384px;height:min(680px,calc(100vh - 120px));display:flex;flex-direction:column;overflow:hidden;background:#fff;border-radius:20px;box-shadow:0 16px 56px rgba(17,24,39,.22),0 4px 14px rgba(17,24,39,.10);color:#1f2328;animation:p-in .22s cubic-bezier(.2,.8,.3,1)}
.left .panel{right:auto;left:calc(20px + var(--safe-l))}
@keyframes p-in{from{opacity:0;transform:translateY(14px) scale(.98)}}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer;background:none;border:0;padding:0}
:focus-visible{outline:2px solid var(--pc);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.head{position:relative;display:flex;align-items:center;gap:12px;padding:18px 12px 18px 18px;padding-inline:18px 12px;background:var(--pc);background-image:linear-gradient(135deg,rgba(255,255,255,.16),rgba(255,255,255,0) 60%);color:var(--pt)}
.head :focus-visible{outline-color:var(--pt)}
.avatar{flex:none;display:grid;place-items:center;width:42px;height:42px;border-radius:50%;background:rgba(255,255,255,.22);box-shadow:inset 0 0 0 2px rgba(255,255,255,.35);font-weight:700;font-size:17px;text-transform:uppercase}
.who{flex:1;min-width:0}
.name{font-weight:700;font-size:16px;line-height:1.25;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{display:flex;align-items:center;gap:6px;font-size:13px;line-height:1.3;margin-top:2px;min-width:0}
.sub span:last-child{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.dot{flex:none;width:8px;height:8px;border-radius:50%;background:#22c55e;box-shadow:0 0 0 2px rgba(255,255,255,.7)}
.dot.off{background:#9ca3af}
.hbtn{flex:none;display:grid;place-items:center;width:36px;height:36px;border-radius:10px;color:inherit;font-size:28px}
.hbtn:hover{background:rgba(255,255,255,.16)}
.hbtn svg{width:22px;height:22px;fill:currentColor}
.confirm{display:flex;align-items:center;gap:8px;padding:10px 14px;background:#fff7ed;border-bottom:1px solid #fed7aa;font-size:14px}
.confirm span{flex:1}
.log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:18px 16px 8px;background:#f7f8fa;display:flex;flex-direction:column;gap:4px}
.list{display:flex;flex-direction:column;gap:4px}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start;align-items:flex-start}
.msg+.msg{margin-top:2px}
.msg.first{margin-top:10px}
.msg[data-author=visitor]{align-self:flex-end;align-items:flex-end}
.msg[data-author=system]{align-self:center;align-items:center;max-width:90%}
.row{display:flex;align-items:flex-end;gap:8px}
.mini{flex:none;display:grid;place-items:center;width:28px;height:28px;border-radius:50%;background:var(--pc);color:var(--pt);font-size:12px;font-weight:700;text-transform:uppercase}
.mini.ghost{visibility:hidden}
.bubble{padding:9px 13px;border-radius:18px;background:#fff;box-shadow:0 1px 2px rgba(17,24,39,.08);border:1px solid #eceef1;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;font-size:15px;line-height:1.45}
.msg[data-author=agent] .bubble{border-end-start-radius:6px}
.msg[data-author=visitor] .bubble{background:var(--pc);color:var(--pt);border-color:transparent;border-end-end-radius:6px}
.msg[data-author=system] .bubble{background:none;border:0;box-shadow:none;padding:4px 8px;color:#4b5563;font-size:13px;text-align:center}
.msg[data-state=sending] .bubble{opacity:.75}
.msg[data-state=failed] .bubble{opacity:.75;box-shadow:0 0 0 2px #d92d20}
.bubble a{color:inherit;text-decoration:underline;text-underline-offset:2px}
.author{font-size:12px;font-weight:600;color:#4b5563;margin:0 0 3px 36px;margin-inline-start:36px;margin-inline-end:0}
.meta{font-size:12px;color:#5b6470;margin:3px 4px 0;display:flex;gap:6px;align-items:center}
.msg[data-author=agent] .meta{margin-inline-start:40px}
.retry{color:#b42318;font-size:12px;font-weight:600;text-decoration:underline;text-underline-offset:2px}
.greet .bubble{font-size:15px}
.typing{display:flex;align-items:center;gap:8px;margin-top:10px;color:#4b5563;font-size:13px}
.dots{display:inline-flex;gap:4px;padding:12px 14px;background:#fff;border:1px solid #eceef1;border-radius:18px;border-end-start-radius:6px}
.dots i{width:7px;height:7px;border-radius:50%;background:#8b93a1;animation:p-dot 1.2s infinite ease-in-out}
.dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}
@keyframes p-dot{0%,60%,100%{transform:none;opacity:.5}30%{transform:translateY(-4px);opacity:1}}
.card{margin:10px 0 4px;padding:14px;border-radius:14px;background:#fff;border:1px solid #eceef1;box-shadow:0 1px 2px rgba(17,24,39,.06);font-size:14px}
.card p{margin:0 0 10px}
.card.notice{background:#fffbeb;border-color:#fde68a}
.field{display:flex;flex-direction:column;gap:4px;margin-bottom:10px;font-size:13px;font-weight:600;color:#374151}
.input,.comment{width:100%;padding:10px 12px;border:1px solid #d0d5dc;border-radius:10px;background:#fff;font-size:16px;font-weight:400;color:#1f2328}
.input:focus,.comment:focus{outline:2px solid var(--pc);outline-offset:0;border-color:transparent}
.inline{display:flex;gap:8px}
.inline .input{flex:1;min-width:0}
.primary{display:inline-flex;align-items:center;justify-content:center;min-height:40px;padding:0 16px;border-radius:10px;background:var(--pc);color:var(--pt);font-weight:600;font-size:14px}
.primary[disabled]{opacity:.55;cursor:default}
.secondary{min-height:36px;padding:0 12px;border-radius:10px;font-weight:600;font-size:14px;color:#374151;border:1px solid #d0d5dc;background:#fff}
.danger{min-height:36px;padding:0 12px;border-radius:10px;font-weight:600;font-size:14px;color:#fff;background:#b42318}
.stars{display:flex;flex-wrap:wrap;gap:4px;margin:0 0 10px;padding:0;border:0;min-width:0}
.stars legend{width:100%;padding:0;margin:0 0 8px}
.star{width:40px;height:40px;border-radius:10px;display:grid;place-items:center;color:#8b93a1}
.star svg{width:28px;height:28px;fill:currentColor}
.star[aria-pressed=true],.star.lit{color:#d97706}
.star:hover{background:#f3f4f6}
.comment{min-height:64px;resize:vertical;margin-bottom:10px}
.done{text-align:center;color:#374151}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px calc(10px + var(--safe-b));border-top:1px solid #eceef1;background:#fff}
.composer textarea{flex:1;min-width:0;max-height:140px;min-height:44px;padding:11px 12px;border:0;border-radius:12px;background:#f3f4f6;resize:none;font-size:16px;line-height:1.4;color:#1f2328}
.composer textarea::placeholder{color:#6b7280}
.composer textarea:focus{outline:2px solid var(--pc);outline-offset:0;background:#fff}
.send{flex:none;display:grid;place-items:center;width:44px;height:44px;border-radius:50%;background:var(--pc);color:var(--pt);transition:transform .15s ease}
.send svg{width:20px;height:20px;fill:currentColor}
.send[aria-disabled=true]{opacity:.5;cursor:default}
[dir=rtl] .send svg,[dir=rtl] .flip{transform:scaleX(-1)}
.brand{padding:0 0 8px;background:#fff;text-align:center;font-size:11px;color:#6b7280}
@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0;animation:none}.head{padding-top:calc(14px + env(safe-area-inset-top,0px))}}
@media (prefers-reduced-motion:reduce){.panel,.dots i,.send,.launcher svg{animation:none;transition:none}.log{scroll-behavior:auto}}
`;
