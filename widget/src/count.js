// Comment counts for index pages: fills every element with data-yorum-count (its value
// is the page's path, or empty for the element's own href) in one request.
//   <a href="/posts/hello" data-yorum-count>comments</a>
//   <script async src="https://comments.example.org/count.js" data-yorum-site="blog"></script>
const script = document.currentScript;
const base = new URL(script.src).origin;
const site = script.dataset.yorumSite || "default";

function fill() {
  const nodes = [...document.querySelectorAll("[data-yorum-count]")];
  const uriOf = (node) => node.dataset.yorumCount || new URL(node.href, location.href).pathname;
  const uris = [...new Set(nodes.map(uriOf))].slice(0, 100);
  if (!uris.length) return;
  fetch(`${base}/api/counts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ site, uris }),
    credentials: "omit",
  })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data) return;
      const counts = Object.fromEntries(uris.map((uri, i) => [uri, data.counts[i]]));
      for (const node of nodes) {
        const n = counts[uriOf(node)];
        if (n !== undefined) node.textContent = String(n);
      }
    });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
else fill();
