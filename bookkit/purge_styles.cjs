// Drop from the book's style bundle the rules no page can use (issue 18: the theme's style sheets are
// 555 KB, most of it Bootstrap components and every Font Awesome icon the book never shows; every
// page downloads, parses and matches them before its first chart). Called by bookkit/light_pages.py:
// `node purge_styles.cjs CSS_FILE`, a JSON list of content files (the written pages and the scripts
// that may add classes to them) on stdin, the kept CSS on stdout.
//
// PurgeCSS keeps a rule when every class, id, tag and attribute its selector names appears as a
// word in some content file; pseudo-classes (:hover, :focus-visible, :checked) never count against
// a rule. The scripts are content too, so a class a script adds (Bootstrap's "show", the theme's
// dark mode) keeps its rules. Kept whole whatever the content:
// - MathJax's rules (it writes its own styles and names);
// - every rule naming a class of the book's own (phb-) or of vega's;
// - every rule with a selector made only of pseudo-classes or `*`: PurgeCSS 8 drops the theme's
//   `:focus-visible`, the keyboard focus ring on every link;
// - every rule whose selector has :is(), :has(), :where() or :not(): PurgeCSS 8 drops
//   `:is(p, li):has(.x)` and `.a:is(:has(.b))` even where a page has them (the book's dark-mode rule
//   for a figure's output went, and every dark chart sat on a light box), and rewrites the lists
//   inside :is().
// tests/book/test_pages.py fails if any rule whose selector matches an element of a page is missing.
"use strict";
const fs = require("fs");
const postcss = require("postcss");
const { PurgeCSS } = require("purgecss");

/** The CSS with the rules PurgeCSS would get wrong (see above) marked for it to leave as they are. */
function protectMisjudgedRules(css) {
  const root = postcss.parse(css);
  root.walkRules((rule) => {
    const functional = /:(is|has|where|not)\(/.test(rule.selector);
    const bare = rule.selectors.some((selector) => /^[:*]/.test(selector.trim()));
    if (functional || bare) rule.prepend(postcss.comment({ text: "purgecss ignore current" }));
  });
  return root.toString();
}

async function main() {
  const [cssFile] = process.argv.slice(2);
  const content = JSON.parse(fs.readFileSync(0, "utf8"));
  const [result] = await new PurgeCSS().purge({
    content,
    css: [{ raw: protectMisjudgedRules(fs.readFileSync(cssFile, "utf8")) }],
    safelist: { standard: ["html", "body"], greedy: [/^mjx-/, /^MathJax/, /^phb-/, /^vega-/] },
  });
  process.stdout.write(result.css);
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
