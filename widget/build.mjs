// Builds the widget into the Python package, so that installing yorum needs no Node:
//   node build.mjs            writes ../yorum/web/static/widget/
//   node build.mjs --out DIR  writes DIR instead (the test that checks the committed
//                             files are fresh builds into a temporary directory)
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(here, "../yorum/web/static/widget");
const target = ["es2020", "chrome90", "firefox90", "safari15"];

async function bundle(entry, options = {}) {
  const result = await build({
    entryPoints: [join(here, "src", entry)],
    bundle: true,
    minify: true,
    write: false,
    legalComments: "none",
    charset: "utf8",
    target,
    ...options,
  });
  return result.outputFiles[0].contents;
}

const css = await bundle("embed.css", { loader: { ".css": "css" } });
const cssVersion = createHash("sha256").update(css).digest("hex").slice(0, 12);
// Other languages than English are separate files, fetched when a page needs them.
const languages = readdirSync(join(here, "src/i18n"))
  .filter((name) => name.endsWith(".json") && name !== "en.json")
  .sort()
  .map((name) => [name, JSON.stringify(JSON.parse(readFileSync(join(here, "src/i18n", name), "utf8")))]);
const i18nHash = createHash("sha256");
for (const [name, text] of languages) i18nHash.update(name).update(text);
const i18nVersion = i18nHash.digest("hex").slice(0, 12);
const embed = await bundle("embed.js", {
  format: "iife",
  define: {
    __YORUM_CSS_VERSION__: JSON.stringify(cssVersion),
    __YORUM_I18N_VERSION__: JSON.stringify(i18nVersion),
  },
});
const count = await bundle("count.js", { format: "iife" });

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "embed.css"), css);
writeFileSync(join(out, "embed.js"), embed);
writeFileSync(join(out, "count.js"), count);
mkdirSync(join(out, "i18n"), { recursive: true });
for (const [name, text] of languages) writeFileSync(join(out, "i18n", name), text);
console.log(`widget built into ${out}: embed.js ${embed.length} B, embed.css ${css.length} B, count.js ${count.length} B`);
