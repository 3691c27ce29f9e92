// The demo page's client: lists the thread and posts comments through the public API.
"use strict";
(() => {
  const site = new URLSearchParams(location.search).get("site") || "default";
  const uri = "/demo";
  const list = document.getElementById("thread");
  const more = document.getElementById("more");
  let cursor = null;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  };

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { "Content-Type": "application/json", ...(options.headers || {}) },
    });
    const data = await response.json();
    if (!response.ok) throw data;
    return { status: response.status, data };
  }

  function commentForm(parent) {
    const form = el("form", { class: "comment-form", novalidate: "" },
      el("label", {}, "Reply", el("textarea", { name: "text", rows: "3", maxlength: "10000" })),
      el("label", {}, "Name", el("input", { name: "author", maxlength: "64" })),
      el("p", { class: "error", role: "alert" }),
      el("button", { type: "submit" }, "Post reply"));
    form.addEventListener("submit", (event) => submit(event, form, parent));
    return form;
  }

  function render(node) {
    const item = el("li", { class: "comment", id: `yorum-${node.id}` });
    const meta = el("p", { class: "meta" },
      el("strong", {}, node.status === "deleted" ? "(deleted)" : node.author || "Anonymous"),
      " · ", el("time", { datetime: node.created, title: node.created },
        new Date(node.created).toLocaleString()),
      ` · ▲ ${node.likes} ▼ ${node.dislikes}`);
    const body = el("div", { class: "text" });
    body.innerHTML = node.html;  // sanitized by the server
    const actions = el("p", {});
    if (node.status !== "deleted") {
      const reply = el("button", { type: "button", class: "link" }, "Reply");
      reply.addEventListener("click", () => { reply.replaceWith(commentForm(node.id)); });
      const up = el("button", { type: "button", class: "link", "aria-label": "Vote up" }, "▲");
      up.addEventListener("click", () => vote(node.id, 1));
      const down = el("button", { type: "button", class: "link", "aria-label": "Vote down" }, "▼");
      down.addEventListener("click", () => vote(node.id, -1));
      actions.append(reply, up, down);
    }
    const replies = el("ol", { class: "replies" }, ...(node.replies || []).map(render));
    item.append(meta, body, actions, replies);
    return item;
  }

  async function load(reset) {
    const params = new URLSearchParams({ site, uri });
    if (!reset && cursor) params.set("cursor", cursor);
    const { data } = await api(`/api/thread?${params}`);
    if (reset) list.replaceChildren();
    list.append(...data.comments.map(render));
    cursor = data.next_cursor;
    more.hidden = !cursor;
    document.getElementById("count").textContent = `(${data.total})`;
  }

  async function vote(id, value) {
    await api(`/api/comments/${id}/vote`, { method: "POST", body: JSON.stringify({ value }) });
    await load(true);
  }

  async function submit(event, form, parent) {
    event.preventDefault();
    const error = form.querySelector(".error");
    error.textContent = "";
    const body = { site, uri, title: document.title,
      text: form.elements.text.value, author: form.elements.author.value };
    if (parent) body.parent = parent;
    try {
      const { status } = await api("/api/comments", { method: "POST", body: JSON.stringify(body) });
      form.reset();
      if (status === 202) error.textContent = "Your comment is awaiting moderation.";
      await load(true);
    } catch (problem) {
      error.textContent = problem.message || "Something went wrong.";
    }
  }

  document.getElementById("new-comment")
    .addEventListener("submit", (event) => submit(event, event.target, null));
  more.addEventListener("click", () => load(false));
  load(true);
})();
