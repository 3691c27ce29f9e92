// yorum's comment widget. Embed with
//   <div id="yorum-thread"></div>
//   <script async src="https://comments.example.org/embed.js" data-yorum-site="blog"></script>
// Options (data-yorum-*): site, uri (default: the page's path), title (default: the page's
// title), lang, theme (light, dark, or auto). It talks to the server it was loaded from
// and to nothing else.
import { client } from "./api.js";
import { el, exactTime, identicon, relativeTime } from "./dom.js";
import { chooseLanguage, loadMessages, translator } from "./i18n.js";
import { prover } from "./pow.js";

const script = document.currentScript;
const base = new URL(script.src).origin;
const options = script.dataset;
const config = {
  site: options.yorumSite || "default",
  uri: options.yorumUri || location.pathname,
  title: options.yorumTitle || document.title,
};
let t = translator("en");
const api = client(base, config.site);
const TOKENS = "yorum:tokens";
const VOTES = "yorum:votes";

function stored(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "{}");
  } catch {
    return {};
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage switched off: the widget still works, without edit rights after a reload
  }
}

function tokenFor(id) {
  const entry = stored(TOKENS)[id];
  return entry && Date.parse(entry.until) > Date.now() ? entry.token : null;
}

function keepToken(posted) {
  const tokens = Object.fromEntries(
    Object.entries(stored(TOKENS)).filter(([, entry]) => Date.parse(entry.until) > Date.now()),
  );
  tokens[posted.comment.id] = {
    token: posted.edit_token,
    until: posted.edit_until,
    site: config.site,
    uri: config.uri,
  };
  store(TOKENS, tokens);
}

// Dark only where the page is dark: data-yorum-theme="dark" or "light" decides; else, if
// the page says it has a dark scheme (CSS color-scheme or <meta name="color-scheme">), the
// reader's system setting decides; else light, so a light page never gets light text.
function followTheme(section) {
  const asked = options.yorumTheme;
  const dark = matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    const meta = document.querySelector('meta[name="color-scheme"]');
    const declared = `${getComputedStyle(document.documentElement).colorScheme} ${meta ? meta.content : ""}`;
    const auto = asked === "auto" || (!asked && declared.includes("dark"));
    section.dataset.theme = asked === "dark" || (auto && dark.matches) ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
  // An async script may run before the page's stylesheets arrive: look again once they have.
  if (document.readyState !== "complete") window.addEventListener("load", apply);
}

// What of a comment can change after it is shown: a new stamp means show it anew.
function stamp(node) {
  return [node.status, node.edited, node.likes, node.dislikes].join("|");
}

function loadStyles() {
  if (document.querySelector("link[data-yorum]")) return;
  const href = `${base}/embed.css?v=${__YORUM_CSS_VERSION__}`;
  document.head.append(el("link", { rel: "stylesheet", href, "data-yorum": true }));
}

class Widget {
  constructor(root, site) {
    this.root = root;
    this.fields = site.fields || {}; // for author, email, website: hidden, optional or required
    this.proof = site.proof_of_work ? prover(api) : null;
    this.offerNotify = Boolean(site.reply_notifications) && (site.fields || {}).email !== "hidden";
    this.sort = "oldest";
    this.locked = false;
    this.newForm = this.form(null);
    this.total = 0;
    this.cursor = null;
    this.announcer = el("p", { class: "yorum-sr", "aria-live": "polite" });
    this.heading = el("h2", { class: "yorum-count", id: "yorum-heading" });
    this.list = el("ol", { class: "yorum-thread" });
    this.more = el("button", { type: "button", class: "yorum-more", hidden: true, onclick: () => this.load(false) }, t("loadMore"));
    this.news = el("button", { type: "button", class: "yorum-news", hidden: true, onclick: () => this.showNews() });
    this.sorter = el(
      "select",
      { "aria-label": t("sortLabel"), onchange: (event) => this.resort(event.target.value) },
      ["oldest", "newest", "best"].map((value) => el("option", { value }, t(value))),
    );
    const section = el(
      "section",
      { class: "yorum", lang: t.language, dir: t.direction, "aria-labelledby": "yorum-heading" },
      this.heading,
      this.newForm,
      el("div", { class: "yorum-toolbar" }, this.sorter),
      this.news,
      this.list,
      this.more,
      el("p", { class: "yorum-privacy" },
        el("a", { href: `${base}/privacy/${encodeURIComponent(config.site)}`, target: "_blank", rel: "noopener" }, t("yourData"))),
      this.announcer,
    );
    followTheme(section);
    root.replaceChildren(section);
  }

  announce(text) {
    this.announcer.textContent = text;
  }

  async resort(value) {
    this.sort = value;
    await this.load(true);
  }

  async load(reset) {
    const params = { sort: this.sort, cursor: reset ? null : this.cursor };
    const { data } = await api.thread(config.uri, params);
    if (reset) this.list.replaceChildren();
    this.list.append(...data.comments.map((node) => this.comment(node)));
    this.cursor = data.next_cursor;
    this.more.hidden = !this.cursor;
    this.count(data.total);
    if (data.locked && !this.locked) {
      this.locked = true;
      this.newForm.replaceWith(el("p", { class: "yorum-notice", role: "status" }, t.error({ code: "thread_locked" })));
      for (const button of this.list.querySelectorAll(".yorum-reply")) button.remove();
    }
  }

  // Live updates: the server says the thread changed; fetch it, update what is shown,
  // and offer the new comments in a bar rather than moving the page under the reader.
  listen() {
    if (!window.EventSource) return;
    const query = new URLSearchParams({ site: config.site, uri: config.uri });
    const source = new EventSource(`${base}/api/events?${query}`);
    source.addEventListener("changed", () => this.catchUp().catch(() => {}));
  }

  async catchUp() {
    const shown = this.list.querySelectorAll(":scope > .yorum-comment").length;
    const limit = Math.min(200, Math.max(shown, 1));
    const { data } = await api.thread(config.uri, { sort: this.sort, limit });
    let fresh = 0;
    const present = new Set();
    const complete = new Set(); // comments whose every reply came with this answer
    const walk = (nodes) => {
      for (const node of nodes) {
        present.add(String(node.id));
        if (!node.hidden_replies) complete.add(String(node.id));
        const item = this.list.querySelector(`#yorum-${node.id}`);
        if (!item) fresh += 1;
        else if (item.dataset.stamp !== stamp(node)) this.refresh(item, node);
        walk(node.replies || []);
      }
    };
    walk(data.comments);
    // Comments deleted elsewhere: gone from the answer where it would have listed them.
    for (const item of this.list.querySelectorAll(".yorum-comment")) {
      const id = item.id.replace("yorum-", "");
      if (present.has(id) || item.querySelector(":scope > .yorum-pending")) continue;
      const parent = item.parentElement.closest(".yorum-comment");
      const listed = parent ? complete.has(parent.id.replace("yorum-", "")) : !data.next_cursor;
      if (listed) item.remove();
    }
    this.count(data.total);
    if (fresh) {
      this.news.textContent = t("newComments", { n: fresh });
      this.news.hidden = false;
      this.announce(this.news.textContent);
    }
  }

  // The reader's own comments still awaiting moderation: only they see them, with a notice,
  // for as long as their edit token lasts.
  async showOwnPending() {
    const now = Date.now();
    for (const [id, entry] of Object.entries(stored(TOKENS))) {
      if (entry.site !== config.site || entry.uri !== config.uri) continue;
      if (Date.parse(entry.until) <= now || this.list.querySelector(`#yorum-${id}`)) continue;
      try {
        const { data } = await api.source(id, entry.token);
        if (data.status !== "pending") continue;
        const item = this.comment({ ...data, replies: [], hidden_replies: 0, reply_count: 0 });
        const parent = data.parent && this.list.querySelector(`#yorum-${data.parent} > .yorum-replies`);
        (parent || this.list).append(item);
      } catch {
        // gone, or no longer the reader's to see: nothing to show
      }
    }
  }

  async showNews() {
    this.news.hidden = true;
    await this.load(true);
  }

  count(total) {
    this.total = total;
    this.heading.textContent = total ? t("comments", { n: total }) : t("noComments");
  }

  comment(node) {
    const item = el("li", { class: "yorum-comment", id: `yorum-${node.id}` });
    const replies = el("ol", { class: "yorum-replies" }, (node.replies || []).map((child) => this.comment(child)));
    const folded = node.hidden_replies
      ? el(
          "button",
          { type: "button", class: "yorum-more-replies", onclick: (event) => this.unfold(event.target, node, replies) },
          t("moreReplies", { n: node.hidden_replies }),
        )
      : null;
    item.dataset.stamp = stamp(node);
    item.append(this.article(item, node), replies, folded || "");
    return item;
  }

  // Shows ``node`` anew in its item (after a vote or an edit), keeping the replies below.
  refresh(item, node) {
    item.dataset.stamp = stamp(node);
    item.querySelector(":scope > article, :scope > .yorum-editing").replaceWith(this.article(item, node));
  }

  article(item, node) {
    const article = el("article", { class: node.status === "pending" ? "yorum-pending" : null });
    if (node.status === "deleted") {
      article.append(el("p", { class: "yorum-deleted" }, t("deleted")));
    } else {
      const name = node.author || t("anonymous");
      const author = node.website
        ? el("a", { class: "yorum-author", href: node.website, rel: "nofollow ugc noopener" },
            el("bdi", {}, name))
        : el("span", { class: "yorum-author" }, el("bdi", {}, name));
      const time = el(
        "time",
        { datetime: node.created, title: exactTime(node.created, t.language) },
        relativeTime(node.created, t.language),
      );
      const text = el("div", { class: "yorum-text" });
      text.innerHTML = node.html; // sanitized by the server, once, when it was written
      const collapse = el(
        "button",
        {
          type: "button",
          class: "yorum-collapse",
          "aria-expanded": "true",
          "aria-label": t("collapse"),
          onclick: (event) => this.toggle(item, event.currentTarget),
        },
        "−",
      );
      article.append(
        ...[
        el(
          "header",
          {},
          collapse,
          identicon(node.avatar, node.id),
          author,
          el("a", { class: "yorum-time", href: `#yorum-${node.id}` }, time),
          node.edited ? el("span", { class: "yorum-edited" }, `(${t("edited")})`) : null,
          node.pinned ? el("span", { class: "yorum-pinned" }, t("pinned")) : null,
        ),
        text,
        node.status === "pending" ? el("p", { class: "yorum-notice", role: "status" }, t("held")) : null,
        this.actions(item, node),
        ].filter(Boolean),
      );
    }
    return article;
  }

  actions(item, node) {
    if (node.status !== "approved") return null;
    const votes = stored(VOTES);
    const voteButton = (value, label, count) =>
      el(
        "button",
        {
          type: "button",
          class: `yorum-vote yorum-vote-${value > 0 ? "up" : "down"}`,
          "aria-label": label,
          "aria-pressed": String(votes[node.id] === value),
          onclick: () => this.vote(item, node, value),
        },
        `${value > 0 ? "▲" : "▼"} ${count}`,
      );
    const bar = el(
      "footer",
      {},
      voteButton(1, t("upvote"), node.likes),
      voteButton(-1, t("downvote"), node.dislikes),
      this.locked || node.locked
        ? null
        : el("button", { type: "button", class: "yorum-reply", onclick: () => this.replyTo(item, node) }, t("reply")),
      el("button", { type: "button", class: "yorum-report", "aria-expanded": "false", onclick: (event) => this.report(item, node, event.currentTarget) }, t("report")),
    );
    const token = tokenFor(node.id);
    if (token) {
      bar.append(
        el("button", { type: "button", class: "yorum-edit", onclick: () => this.edit(item, node, token) }, t("edit")),
        el("button", { type: "button", class: "yorum-delete", onclick: () => this.remove(item, node, token) }, t("delete")),
      );
    }
    return bar;
  }

  // A small form under the comment: why (one of four reasons) and an optional note.
  report(item, node, button) {
    const open = item.querySelector(":scope > .yorum-report-form");
    if (open) {
      open.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    const id = `yorum-${node.id}-report`;
    const reasons = ["spam", "abuse", "off_topic", "other"].map((reason, index) =>
      el("label", {}, el("input", { type: "radio", name: "reason", value: reason, checked: index === 0 }), ` ${t(`reason_${reason}`)}`),
    );
    const note = el("input", { id: `${id}-note`, name: "note", type: "text", maxlength: "500" });
    const error = el("p", { class: "yorum-error", role: "alert" });
    const close = () => {
      form.remove();
      button.setAttribute("aria-expanded", "false");
      button.focus();
    };
    const form = el(
      "form",
      {
        class: "yorum-form yorum-report-form",
        id,
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const reason = form.querySelector("input[name=reason]:checked").value;
          try {
            await api.report(node.id, { reason, note: note.value });
            form.replaceChildren(el("p", { class: "yorum-notice", role: "status" }, t("reported")));
            button.remove();
          } catch (problem) {
            error.textContent = t.error(problem);
          }
        },
      },
      el("fieldset", {}, el("legend", {}, t("reportTitle")), ...reasons),
      el("p", { class: "yorum-field" }, el("label", { for: `${id}-note` }, t("reportNote")), note),
      error,
      el("div", { class: "yorum-buttons" },
        el("button", { type: "submit" }, t("reportSend")),
        el("button", { type: "button", onclick: close }, t("cancel"))),
    );
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", id);
    item.insertBefore(form, item.querySelector(":scope > .yorum-replies"));
    form.querySelector("input").focus();
  }

  toggle(item, button) {
    const open = button.getAttribute("aria-expanded") === "true";
    const hidden = item.querySelectorAll(".yorum-comment").length + 1;
    button.setAttribute("aria-expanded", String(!open));
    button.setAttribute("aria-label", open ? t("expand", { n: hidden }) : t("collapse"));
    button.textContent = open ? "+" : "−";
    item.classList.toggle("yorum-collapsed", open);
  }

  async vote(item, node, value) {
    const votes = stored(VOTES);
    const next = votes[node.id] === value ? 0 : value;
    try {
      const { data } = await api.vote(node.id, next);
      votes[node.id] = next;
      store(VOTES, votes);
      this.refresh(item, { ...node, likes: data.likes, dislikes: data.dislikes });
    } catch (problem) {
      this.announce(t.error(problem));
    }
  }

  replyTo(item, node) {
    const open = item.querySelector(":scope > .yorum-form");
    if (open) {
      open.querySelector("textarea").focus();
      return;
    }
    const form = this.form(node);
    item.insertBefore(form, item.querySelector(":scope > .yorum-replies"));
    form.querySelector("textarea").focus();
  }

  async unfold(button, node, replies) {
    const { data } = await api.thread(config.uri, { parent: node.id, limit: 200 });
    replies.replaceChildren(...data.comments.map((child) => this.comment(child)));
    button.remove();
  }

  async edit(item, node, token) {
    let source;
    try {
      ({ data: source } = await api.source(node.id, token));
    } catch (problem) {
      this.announce(t.error(problem));
      return;
    }
    const text = el("textarea", { name: "text", rows: "5", "aria-label": t("text") });
    text.value = source.text;
    const error = el("p", { class: "yorum-error", role: "alert" });
    const form = el(
      "form",
      {
        class: "yorum-form yorum-editing",
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const { data } = await api.edit(node.id, token, { text: text.value });
            this.refresh(item, { ...node, ...data });
          } catch (problem) {
            error.textContent = t.error(problem);
          }
        },
      },
      text,
      error,
      el("div", { class: "yorum-buttons" },
        el("button", { type: "submit" }, t("save")),
        el("button", { type: "button", onclick: () => this.refresh(item, node) }, t("cancel"))),
    );
    item.querySelector(":scope > article").replaceWith(form);
    text.focus();
  }

  async remove(item, node, token) {
    if (!window.confirm(t("confirmDelete"))) return;
    try {
      await api.remove(node.id, token);
      await this.load(true);
    } catch (problem) {
      this.announce(t.error(problem));
    }
  }

  form(parent) {
    const id = parent ? `yorum-${parent.id}-reply` : "yorum-new";
    const field = (name, type, label, attrs = {}) => {
      const input =
        type === "textarea"
          ? el("textarea", { id: `${id}-${name}`, name, rows: "4", placeholder: t("textPlaceholder"), ...attrs })
          : el("input", { id: `${id}-${name}`, name, type, ...attrs });
      return el("p", { class: `yorum-field yorum-field-${name}` },
        el("label", { for: `${id}-${name}` }, label), input,
        el("span", { class: "yorum-field-error", id: `${id}-${name}-error` }));
    };
    const preview = el("div", { class: "yorum-preview yorum-text", hidden: true });
    const general = el("p", { class: "yorum-error", role: "alert" });
    const notice = el("p", { class: "yorum-notice", role: "status", hidden: true });
    const form = el(
      "form",
      { class: "yorum-form", novalidate: true, "aria-label": parent ? t("replyTo", { author: parent.author || t("anonymous") }) : t("newComment") },
      field("text", "textarea", t("text"), { required: true }),
      preview,
      el("div", { class: "yorum-identity" }, [
        ["author", "text", "name", { maxlength: "64" }],
        ["email", "email", "email", {}],
        ["website", "url", "url", {}],
      ].map(([name, type, autocomplete, attrs]) => {
        const rule = this.fields[name] || "optional";
        if (rule === "hidden") return null;
        const required = rule === "required";
        const label = t(required ? `${name}Required` : name);
        return field(name, type, label, { autocomplete, required, "aria-required": required ? "true" : null, ...attrs });
      })),
      this.offerNotify
        ? el("p", { class: "yorum-field yorum-check" },
          el("label", {},
            el("input", { type: "checkbox", name: "notify", value: "1" }), " ", t("notify")))
        : null,
      // A trap for programs that fill in every field; people never see it.
      el("p", { class: "yorum-trap", "aria-hidden": "true" },
        el("label", { for: `${id}-url` }, t("trap")),
        el("input", { id: `${id}-url`, name: "url", type: "text", tabindex: "-1", autocomplete: "off" })),
      general,
      notice,
      el("div", { class: "yorum-buttons" },
        el("button", { type: "submit" }, t("submit")),
        el("button", { type: "button", class: "yorum-preview-toggle", onclick: (event) => this.togglePreview(form, preview, event.target) }, t("preview")),
        parent ? el("button", { type: "button", onclick: () => form.remove() }, t("cancel")) : null),
    );
    form.addEventListener("submit", (event) => this.submit(event, form, parent, { general, notice, preview }));
    if (this.proof) form.addEventListener("focusin", () => this.proof.start().catch(() => {}));
    return form;
  }

  async togglePreview(form, preview, button) {
    const text = form.elements.text;
    if (!preview.hidden) {
      preview.hidden = true;
      text.hidden = false;
      button.textContent = t("preview");
      text.focus();
      return;
    }
    try {
      const { data } = await api.preview(text.value);
      preview.innerHTML = data.html; // sanitized by the server
      preview.hidden = false;
      text.hidden = true;
      button.textContent = t("write");
    } catch (problem) {
      this.showProblem(form, problem);
    }
  }

  clearErrors(form, general) {
    general.textContent = "";
    for (const node of form.querySelectorAll(".yorum-field-error")) node.textContent = "";
    for (const node of form.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    }
  }

  showProblem(form, problem) {
    const message = t.error(problem);
    const input = problem.field && form.elements[problem.field];
    if (input && input.nodeName) {
      const error = form.querySelector(`#${input.id}-error`);
      error.textContent = message;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
      input.focus();
    } else {
      form.querySelector(".yorum-error").textContent = message;
    }
  }

  async submit(event, form, parent, { general, notice, preview }) {
    event.preventDefault();
    this.clearErrors(form, general);
    notice.hidden = true;
    const fields = Object.fromEntries(
      ["text", "author", "email", "website"]
        .filter((name) => form.elements[name])
        .map((name) => [name, form.elements[name].value.trim()]),
    );
    const missing = ["text", "author", "email", "website"].find(
      (name) => form.elements[name] && form.elements[name].required && !fields[name],
    );
    if (missing) {
      this.showProblem(form, { code: "required", field: missing });
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = t("sending");
    try {
      const send = async () =>
        api.post({
          uri: config.uri,
          title: config.title,
          parent: parent ? parent.id : undefined,
          altcha: this.proof ? await this.proof.take() : undefined,
          url: form.elements.url.value,
          notify: form.elements.notify ? form.elements.notify.checked : undefined,
          ...fields,
        });
      // A solution kept past its challenge's lifetime is refused; one fresh try then.
      const { status, data } = await send().catch((problem) =>
        /^pow_(expired|replayed)$/.test(problem.code) ? send() : Promise.reject(problem),
      );
      keepToken(data);
      form.elements.text.value = "";
      preview.hidden = true;
      form.elements.text.hidden = false;
      const node = { ...data.comment, replies: [], hidden_replies: 0, reply_count: 0 };
      const item = this.comment(node);
      if (parent) {
        document.querySelector(`#yorum-${parent.id} > .yorum-replies`).append(item);
        form.remove();
      } else {
        this.list.append(item);
      }
      if (status === 202) {
        notice.textContent = t("held");
        notice.hidden = false;
      }
      if (status !== 202) this.count(this.total + 1);
      this.announce(status === 202 ? t("held") : this.heading.textContent);
      if (status !== 202) item.scrollIntoView({ block: "nearest" });
    } catch (problem) {
      this.showProblem(form, problem);
    } finally {
      button.disabled = false;
      button.textContent = t("submit");
    }
  }
}

async function start() {
  const root = document.getElementById("yorum-thread");
  if (!root) return;
  loadStyles();
  const language = chooseLanguage(options.yorumLang);
  const [messages, site] = await Promise.all([
    loadMessages(base, language),
    api.site().then(({ data }) => data, () => ({ fields: {} })),
  ]);
  t = translator(language, messages);
  const widget = new Widget(root, site);
  widget
    .load(true)
    .then(() => {
      widget.listen();
      return widget.showOwnPending();
    })
    .catch((problem) => {
      widget.heading.textContent = t.error(problem);
    });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
