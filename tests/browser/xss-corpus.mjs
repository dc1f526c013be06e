// The XSS corpus of tests/browser/xss.test.mjs: the classes of the OWASP
// XSS filter-evasion cheat sheet, mutation XSS, Markdown-specific tricks
// and Unicode ones, each written so that, were it ever live, it would call
// alert(ID) or set window.__xss = ID with its own ID. Every payload goes
// into every field the test can reach, so each is plain text somewhere, a
// Markdown source somewhere else, HTML in a WordPress export, a URL in a
// URL field and a query in a reflected parameter.
//
// Also here: inspect(), run in the page, which reports any live markup a
// payload could have become (a script not khabar's, an on* attribute, a
// javascript: URL...), whatever the CSP would have done with it.

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
// Character references for every character of s, in the cheat sheet's
// spellings: &#106; &#0000106 &#x6A; &#x6A
const dec = (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('');
const decPad = (s) => [...s].map((c) => `&#${String(c.codePointAt(0)).padStart(7, '0')}`).join('');
const hex = (s) => [...s].map((c) => `&#x${c.codePointAt(0).toString(16).toUpperCase()};`).join('');
const hexBare = (s) => [...s].map((c) => `&#x${c.codePointAt(0).toString(16).toUpperCase()}`).join('');

// [name, (js) => payload]: js is the sentinel call for this payload.
const classes = [
  // <script> in its spellings
  ['script', (js) => `<script>${js}</script>`],
  ['script upper case', (js) => `<SCRIPT>${js}</SCRIPT>`],
  ['script mixed case', (js) => `<ScRiPt>${js}</sCrIpT>`],
  ['script src data:', (js) => `<script src=data:text/javascript,${js}></script>`],
  ['script unclosed', (js) => `<script>${js}//`],
  ['extraneous brackets', (js) => `<<script>${js};//<</script>`],
  ['nested script to defeat stripping', (js) => `<scr<script>ipt>${js}</scr</script>ipt>`],
  ['script/XSS non-alpha separator', (js) => `<script/XSS src="data:,${js}"></script>`],
  ['script attribute with >', (js) => `<SCRIPT a=">" SRC="data:,${js}"></SCRIPT>`],
  ['UTF-7', () => '+ADw-script+AD4-alert(1)+ADw-/script+AD4-'],
  // breaking out of the context a value lands in
  ['attribute breakout "', (js) => `"><script>${js}</script>`],
  ["attribute breakout '", (js) => `'><img src=x onerror=${js}>`],
  ['attribute injection "', (js) => `" autofocus onfocus="${js}" x="`],
  ["attribute injection '", (js) => `' onmouseover='${js}' x='`],
  ['self-closing breakout', (js) => `"/><svg onload=${js}>`],
  ['</title> breakout', (js) => `</title><script>${js}</script>`],
  ['</textarea> breakout', (js) => `</textarea><script>${js}</script><textarea>`],
  ['</script> breakout of JSON-LD', (js) => `</script><script>${js}</script>`],
  ['</script> with a comment', (js) => `<!--</script><script>${js}</script>-->`],
  ['</script> then svg', (js) => `</script><svg onload=${js}>`],
  ['</noscript> breakout', (js) => `</noscript><img src=x onerror=${js}>`],
  ['</style> breakout', (js) => `</style><img src=x onerror=${js}>`],
  ['comment breakout', (js) => `--><img src=x onerror=${js}><!--`],
  ['CDATA breakout', (js) => `]]><img src=x onerror=${js}><![CDATA[`],
  ['</option></select> breakout', (js) => `</option></select><img src=x onerror=${js}>`],
  // JavaScript contexts
  ['JS string breakout \'', (js) => `'-${js}-'`],
  ['JS string breakout "', (js) => `";${js};//`],
  ['JS escaped quote', (js) => `\\';${js};//`],
  ['template literal', (js) => `\${${js}}`],
  ['client template injection', (js) => `{{constructor.constructor('${js}')()}}`],
  ['khabar template syntax', (js) => `{{raw page.jsonld}}{{> head}}{{#each nav}}<img src=x onerror=${js}>{{/each}}`],
  // event handlers
  ['img onerror', (js) => `<img src=x onerror=${js}>`],
  ['img onerror case', (js) => `<IMG SRC=x OnErRoR=${js}>`],
  ['img onerror entities', (js) => `<img src=x onerror="${dec(js)}">`],
  ['img onerror eval(src)', (js) => `<img src=x:${js} onerror=eval(src)>`],
  ['malformed img', (js) => `<IMG """><SCRIPT>${js}</SCRIPT>">`],
  ['img unterminated', (js) => `<img src=/ onerror=${js}//`],
  ['svg onload', (js) => `<svg onload=${js}>`],
  ['svg/onload', (js) => `<svg/onload=${js}>`],
  ['svg script', (js) => `<svg><script>${js}</script></svg>`],
  ['svg script href', (js) => `<svg><script href="data:,${js}" /></svg>`],
  ['svg a xlink:href', (js) => `<svg><a xlink:href="javascript:${js}"><text x="20" y="20">XSS</text></a></svg>`],
  ['svg animate onbegin', (js) => `<svg><animate onbegin=${js} attributeName=x dur=1s>`],
  ['body onload', (js) => `<body onload=${js}>`],
  ['details ontoggle', (js) => `<details open ontoggle=${js}>`],
  ['input autofocus', (js) => `<input autofocus onfocus=${js}>`],
  ['video source onerror', (js) => `<video><source onerror="${js}">`],
  ['audio onerror', (js) => `<audio src=x onerror=${js}>`],
  ['marquee onstart', (js) => `<marquee onstart=${js}>x</marquee>`],
  ['div onmouseover', (js) => `<div onmouseover="${js}">hover</div>`],
  ['a onclick', (js) => `<a href="https://example.com/" onclick="${js}">x</a>`],
  ['unicode escape in handler', (js) => `<img src=x onerror=\\u0061lert(${js.match(/\d+/)[0]})>`],
  // URLs: javascript:, vbscript:, data: and their disguises
  ['a javascript:', (js) => `<a href="javascript:${js}">x</a>`],
  ['a JaVaScRiPt:', (js) => `<a href="JaVaScRiPt:${js}">x</a>`],
  ['a jav&#x09;ascript:', (js) => `<a href="jav&#x09;ascript:${js}">x</a>`],
  ['a jav&#x0A;ascript:', (js) => `<a href="jav&#x0A;ascript:${js}">x</a>`],
  ['a jav&Tab;ascript:', (js) => `<a href="jav&Tab;ascript:${js}">x</a>`],
  ['a decimal entities', (js) => `<a href="${dec('javascript:' + js)}">x</a>`],
  ['a padded decimal, no semicolons', (js) => `<a href="${decPad('javascript:' + js)}">x</a>`],
  ['a hex entities', (js) => `<a href="${hex('javascript:' + js)}">x</a>`],
  ['a hex, no semicolons', (js) => `<a href="${hexBare('javascript:' + js)}">x</a>`],
  ['a spaces and &#14; before', (js) => `<a href=" &#14;  javascript:${js}">x</a>`],
  ['a javascript&colon;', (js) => `<a href="javascript&colon;${js}">x</a>`],
  ['a vbscript:', () => '<a href="vbscript:msgbox(1)">x</a>'],
  ['a data:text/html', (js) => `<a href="data:text/html;base64,${b64(`<script>${js}</script>`)}">x</a>`],
  ['img src javascript:', (js) => `<img src="javascript:${js}">`],
  ['img src with a tab', (js) => `<img src="jav\tascript:${js};">`],
  ['img src backticks', (js) => `<img src=\`javascript:${js}\`>`],
  ['img dynsrc lowsrc', (js) => `<img dynsrc="javascript:${js}" lowsrc="javascript:${js}">`],
  ['iframe javascript:', (js) => `<iframe src="javascript:${js}"></iframe>`],
  ['iframe srcdoc', (js) => `<iframe srcdoc="&lt;img src=x onerror=${js}&gt;"></iframe>`],
  ['object data', (js) => `<object data="javascript:${js}"></object>`],
  ['embed data:', (js) => `<embed src="data:text/html;base64,${b64(`<script>${js}</script>`)}">`],
  ['frameset', (js) => `<frameset><frame src="javascript:${js}"></frameset>`],
  ['meta refresh javascript:', (js) => `<meta http-equiv="refresh" content="0;url=javascript:${js}">`],
  ['meta refresh data:', (js) => `<meta http-equiv="refresh" content="0;url=data:text/html;base64,${b64(`<script>${js}</script>`)}">`],
  ['form action', (js) => `<form action="javascript:${js}"><button>x</button></form>`],
  ['button formaction', (js) => `<form><button formaction="javascript:${js}">x</button></form>`],
  ['isindex', (js) => `<isindex type=image src=1 onerror=${js}>`],
  ['base href', (js) => `<base href="javascript:${js}//">`],
  ['table background', (js) => `<table background="javascript:${js}"><tr><td>x</td></tr></table>`],
  ['link stylesheet', (js) => `<link rel=stylesheet href="javascript:${js}">`],
  // style
  ['style expression', (js) => `<div style="width: expression(${js});">x</div>`],
  ['style url(javascript:)', (js) => `<div style="background-image: url(javascript:${js})">x</div>`],
  ['style @import', (js) => `<style>@import 'javascript:${js}';</style>`],
  ['xss style behavior', () => '<xss style="behavior: url(xss.htc);">x</xss>'],
  // mutation XSS
  ['noscript title', (js) => `<noscript><p title="</noscript><img src=x onerror=${js}>">`],
  ['math mglyph style', (js) => `<math><mtext><table><mglyph><style><img src=x onerror=${js}>`],
  ['math mglyph comment', (js) => `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=${js}&gt;">`],
  ['svg p style', (js) => `<svg></p><style><a id="</style><img src=1 onerror=${js}>">`],
  ['form math nesting', (js) => `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${js}>`],
  ['xmp title', (js) => `<xmp><p title="</xmp><img src=x onerror=${js}>">`],
  ['svg CDATA', (js) => `<svg><![CDATA[><img src=x onerror=${js}>]]></svg>`],
  ['math href', (js) => `<math href="javascript:${js}">x</math>`],
  // polyglot (0xSobky)
  ['polyglot', (js) => `jaVasCript:/*-/*\`/*\\\`/*'/*"/**/(/* */oNcliCk=${js} )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=${js}//>\\x3e`],
  // Markdown
  ['md link javascript:', (js) => `[क्लिक](javascript:${js})`],
  ['md link JAVASCRIPT:', (js) => `[क्लिक](JAVASCRIPT:${js})`],
  ['md link entity colon', (js) => `[क्लिक](javascript&#58;${js})`],
  ['md link entity tab', (js) => `[क्लिक](jav&#x09;ascript:${js})`],
  ['md link escaped colon', (js) => `[क्लिक](javascript\\:${js})`],
  ['md link <javascript:>', (js) => `[क्लिक](<javascript:${js}>)`],
  ['md link leading space', (js) => `[क्लिक](< javascript:${js}>)`],
  ['md link vbscript: and data:', (js) => `[a](vbscript:msgbox(1)) [b](data:text/html;base64,${b64(`<script>${js}</script>`)})`],
  ['md image onerror breakout', (js) => `![x](x" onerror="${js})`],
  ['md image alt breakout', (js) => `![x" onerror="${js}](https://example.com/a.png)`],
  ['md image javascript:', (js) => `![x](javascript:${js})`],
  ['md image svg data:', (js) => `![x](data:image/svg+xml;base64,${b64(`<svg xmlns="http://www.w3.org/2000/svg" onload="${js}"/>`)})`],
  ['md link title breakout', (js) => `[x](https://example.com "a&quot; onmouseover=&quot;${js}")`],
  ['md html in link text', (js) => `[<img src=x onerror=${js}>](https://example.com)`],
  ['md reference link', (js) => `[क्लिक][r]\n\n[r]: javascript:${js} "t"`],
  ['md autolink javascript:', (js) => `<javascript:${js}>`],
  ['md autolink with quote', (js) => `<https://example.com/"onmouseover="${js}">`],
  ['md www autolink', (js) => `www.example.com/"onmouseover="${js}"`],
  ['md raw HTML block', (js) => `<div onmouseover="${js}">\n\n*x*\n\n</div>`],
  ['md HTML comment', (js) => `<!-- --><img src=x onerror=${js}> -->`],
  ['md heading with HTML', (js) => `## <img src=x onerror=${js}>`],
  ['md table', (js) => `| <img src=x onerror=${js}> | [x](javascript:${js}) |\n|---|---|\n| a | b |`],
  ['md code span', (js) => `\`<script>${js}</script>\``],
  ['md fence info string', (js) => `\`\`\`"><img src=x onerror=${js}>\n<script>${js}</script>\n\`\`\``],
  ['md strikethrough', (js) => `~~<img src=x onerror=${js}>~~`],
  // already escaped, or encoded: must not be decoded twice
  ['pre-escaped entities', (js) => `&lt;img src=x onerror=${js}&gt;`],
  ['double-escaped entities', (js) => `&amp;lt;script&amp;gt;${js}&amp;lt;/script&amp;gt;`],
  ['percent-encoded', (js) => `%3Cimg%20src%3Dx%20onerror%3D${js}%3E`],
  ['backslash escapes', (js) => `\\x3cimg src=x onerror=${js}\\x3e \\u003cscript\\u003e${js}\\u003c/script\\u003e`],
  // Unicode and Devanagari
  ['fullwidth brackets', (js) => `＜script＞${js}＜/script＞ ＜img src=x onerror=${js}＞`],
  ['fullwidth javascript:', (js) => `<a href="ｊａｖａｓｃｒｉｐｔ:${js}">x</a>`],
  ['zero-width in a tag', (js) => `<scr\u200Bipt>${js}</scr\u200Bipt><i\u200Dmg src=x onerror=${js}>`],
  ['zero-width in a scheme', (js) => `<a href="java\u200Dscript:${js}">x</a> [y](java\u200Bscript:${js})`],
  ['BOM before script', (js) => `\uFEFF<script>${js}</script>`],
  ['U+2028 in JSON-LD', (js) => `खबर\u2028</script><script>${js}</script>\u2029`],
  ['U+2028 as a JS line end', (js) => `\u2028${js}//\u2029`],
  ['combining overlay on <', (js) => `<\u0338img src=x onerror=${js}> ≮script≯${js}≮/script≯`],
  ['right-to-left override', (js) => `\u202E<img src=x onerror=${js}>\u202C`],
  ['Devanagari around a tag', (js) => `नई दिल्ली"><img src=x onerror=${js}>समाचार`],
  ['Devanagari in a handler', (js) => `<img src=x onerror="${js}//समाचार">`],
  // values for URL fields (photo, slug, settings links)
  ['bare javascript:', (js) => `javascript:${js}`],
  ['bare javascript: leading space', (js) => ` JaVaScRiPt:${js}`],
  ['bare data:', (js) => `data:text/html,<script>${js}</script>`],
  ['protocol-relative', () => '//evil.example/x.js'],
  ['backslash host', () => '/\\evil.example/x'],
  ['path with a breakout', (js) => `/news/x"><script>${js}</script>`],
  ['https with a breakout', (js) => `https://example.com/"onerror="${js}`],
];

// One entry per payload: {id, name, text, js}. IDs start at 100 so that a
// sentinel of 1 (a payload's hard-coded alert(1)) is told apart.
export const payloads = classes.map(([name, make], i) => {
  const id = 100 + i;
  const js = i % 3 === 2 ? `window.__xss=${id}` : `alert(${id})`;
  return { id, name, text: make(js), js };
});

// A payload on one line (front matter, one-line inputs), at most max
// characters when max is given.
export function oneLine(text, max = 0) {
  const s = text.replace(/[\r\n]+/g, ' ').trim();
  const cps = [...s];
  return max && cps.length > max ? cps.slice(0, max).join('') : s;
}

// The Markdown body of a story carrying payload p: p as its own block and
// inside the constructions a reporter might put it in.
export function markdownBody(p, marker) {
  const line = oneLine(p.text);
  return [
    `${marker} की रिपोर्ट।`,
    p.text,
    `> ${line}`,
    `- ${line}\n- **${line}** _${line}_`,
    `[कड़ी](${line}) ![चित्र](${line})`,
    `| क | ख |\n|---|---|\n| ${line.replace(/\|/g, '\\|')} | x |`,
    `\`${line}\``,
  ].join('\n\n') + '\n';
}

// The HTML of an imported WordPress post carrying payload p: p as HTML
// (WordPress stores it so), as text, and in attributes.
export function wordpressHtml(p, marker) {
  const attr = p.text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const text = p.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!-- wp:paragraph --><p>${marker} की रिपोर्ट।</p><!-- /wp:paragraph -->\n${p.text}\n` +
    `<p>${text}</p>\n<p><a href="${attr}" title="${attr}">कड़ी</a> <img src="${attr}" alt="${attr}"></p>\n` +
    `<figure><img src="https://example.com/a.jpg" alt="${attr}"><figcaption>${p.text}</figcaption></figure>\n` +
    `<blockquote>${p.text}</blockquote><table><tr><td>${p.text}</td></tr></table>`;
}

// Run in the page: everything a payload could have turned into, as a list
// of problems (empty when the page holds nothing live). Only khabar's own
// markup is allowed: its templates' elements and what cmark-gfm writes,
// scripts from /static/, JSON-LD that parses, URLs that cannot run code.
export function inspect() {
  const allowed = new Set(('html head body meta title link script style header footer main nav section ' +
    'article aside div span p a img picture source figure figcaption h1 h2 h3 h4 h5 h6 ul ol li dl dt dd ' +
    'strong em b i del code pre blockquote hr br table thead tbody tr th td mark time form label input ' +
    'button select option textarea fieldset legend details summary noscript svg path').split(' '));
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
    'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'ping', 'srcset']);
  const problems = [];
  const say = (el, why) => problems.push(`${why}: ${el.outerHTML.slice(0, 160)}`);
  // What a browser makes of a URL's start: control characters and spaces
  // around it and tabs and newlines inside it are ignored.
  const scheme = (v) => v.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  const bad = (v, tag, name) => {
    const s = scheme(v);
    if (/^(javascript|vbscript|livescript|mocha):/.test(s)) return true;
    if (s.startsWith('data:')) return !(tag === 'img' && name === 'src' && /^data:image\/(png|gif|jpeg|webp)[;,]/.test(s));
    return false;
  };
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    if (!allowed.has(tag)) say(el, `element <${tag}>`);
    for (const { name, value } of el.attributes) {
      const n = name.toLowerCase();
      if (n.startsWith('on')) say(el, `event handler ${n}`);
      if (n === 'srcdoc' || n === 'http-equiv') say(el, `attribute ${n}`);
      if (urlAttrs.has(n) && value.split(/\s*,\s*/).some((v) => bad(v, tag, n))) say(el, `script URL in ${n}`);
      if (n === 'style' && /expression|javascript:|behavior|url\(/i.test(value)) say(el, 'style that runs code');
    }
    if (tag === 'script') {
      const own = el.src && new URL(el.src).origin === location.origin && new URL(el.src).pathname.startsWith('/static/');
      if (el.type === 'application/ld+json') {
        try { JSON.parse(el.textContent); } catch (e) { say(el, `JSON-LD that does not parse (${e.message})`); }
      } else if (!own || el.textContent.trim()) say(el, 'a script khabar did not write');
    }
    if (tag === 'style' && el.textContent.trim()) say(el, 'a style element');
    if (tag === 'link' && !['stylesheet', 'icon', 'canonical', 'alternate', 'manifest', 'apple-touch-icon'].includes(el.rel)) say(el, 'a link element');
    // The web app manifest and the home-screen icon: khabar's own, or not at all.
    if (tag === 'link' && (el.rel === 'manifest' || el.rel === 'apple-touch-icon')) {
      const u = new URL(el.href);
      const own = u.origin === location.origin && (el.rel === 'manifest' ? u.pathname === '/manifest.webmanifest' : u.pathname.startsWith('/static/'));
      if (!own) say(el, `a ${el.rel} link khabar did not write`);
    }
    if (tag === 'link' && el.rel === 'stylesheet' && new URL(el.href).origin !== location.origin) say(el, 'a foreign stylesheet');
    if ((tag === 'form' || tag === 'button') && el.getAttribute('action') && new URL(el.action).origin !== location.origin) say(el, 'a form that posts elsewhere');
    if (tag === 'svg' && el.querySelector('script, foreignObject, a, animate, set')) say(el, 'an svg with active content');
  }
  return problems;
}

// Installed in every page before its own scripts: records window.__xss
// assignments (the sentinel of a third of the payloads).
export function sentinel() {
  window.__xssHits = [];
  Object.defineProperty(window, '__xss', { set(v) { window.__xssHits.push(v); }, get() { return undefined; } });
}
