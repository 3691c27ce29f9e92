// Small DOM helpers: elements from a tag, attributes and children; relative times.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

const UNITS = [
  ["year", 31536000],
  ["month", 2592000],
  ["week", 604800],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function relativeTime(iso, language, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return "";
}

export function exactTime(iso, language) {
  return new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short" }).format(
    new Date(iso),
  );
}

const SVG = "http://www.w3.org/2000/svg";

// A small symmetric picture from a hex seed (the server's keyed hash of the author), drawn
// here so that no request leaves for a picture service. No seed: a pattern from the id.
export function identicon(seed, fallback) {
  let hex = seed;
  if (!hex) {
    let h = 2166136261;
    for (const ch of String(fallback)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex = h.toString(16).padStart(8, "0").repeat(2);
  }
  const bits = [...hex].map((c) => parseInt(c, 16).toString(2).padStart(4, "0")).join("");
  const hue = parseInt(hex.slice(-3), 16) % 360;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 5 5");
  svg.setAttribute("class", "yorum-avatar");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("fill", `hsl(${hue} 55% 48%)`);
  for (let row = 0; row < 5; row += 1) {
    for (let col = 0; col < 3; col += 1) {
      if (bits[row * 3 + col] !== "1") continue;
      for (const x of new Set([col, 4 - col])) {
        const cell = document.createElementNS(SVG, "rect");
        cell.setAttribute("x", x);
        cell.setAttribute("y", row);
        cell.setAttribute("width", "1");
        cell.setAttribute("height", "1");
        svg.append(cell);
      }
    }
  }
  return svg;
}
