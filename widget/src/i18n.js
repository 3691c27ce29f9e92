// The widget's words. English is built in; the language is chosen from data-yorum-lang,
// the page's <html lang>, then the browser. Plurals go through Intl.PluralRules and
// errors are worded by their code (and field), never by the server's English text.

const en = {
  comments: { one: "{n} comment", other: "{n} comments" },
  noComments: "No comments yet. Be the first to write one.",
  sortLabel: "Sort comments",
  oldest: "Oldest",
  newest: "Newest",
  best: "Best",
  loadMore: "Load more comments",
  newComments: { one: "{n} new comment: show it", other: "{n} new comments: show them" },
  moreReplies: { one: "Show {n} more reply", other: "Show {n} more replies" },
  reply: "Reply",
  edit: "Edit",
  delete: "Delete",
  confirmDelete: "Delete this comment?",
  save: "Save",
  cancel: "Cancel",
  upvote: "Vote up",
  downvote: "Vote down",
  deleted: "This comment was deleted.",
  anonymous: "Anonymous",
  edited: "edited",
  text: "Comment",
  textPlaceholder: "Write a comment. Markdown works: **bold**, _italic_, `code`, links.",
  author: "Name (optional)",
  email: "E-mail (optional, never shown)",
  website: "Website (optional)",
  submit: "Post comment",
  preview: "Preview",
  write: "Write",
  sending: "Sending…",
  held: "Thank you. Your comment is awaiting moderation and will appear once approved.",
  newComment: "Write a comment",
  replyTo: "Reply to {author}",
  errors: {
    "required.text": "Please enter your comment.",
    "required.author": "Please enter your name.",
    "too_long.text": "Your comment is too long.",
    too_long: "This is too long.",
    "invalid_format.email": "Please enter a valid e-mail address.",
    "invalid_format.website": "Please enter a web address starting with https://.",
    invalid_format: "This contains characters that are not allowed.",
    duplicate: "You posted this comment already.",
    comment_deleted: "The comment you reply to was deleted.",
    thread_locked: "This thread is closed to new comments.",
    rate_limited: "You are posting too quickly. Please wait {s} seconds.",
    edit_window_expired: "The time to edit this comment is over.",
    invalid_token: "Only the author can change this comment, from the browser it was written in.",
    origin_not_allowed: "This page may not use these comments.",
    unknown_site: "Comments are not set up for this site.",
    busy: "The server is busy. Please try again in a moment.",
    network: "The comment server cannot be reached. Please try again.",
    error: "Something went wrong. Please try again.",
  },
};

const catalogs = { en };

export function chooseLanguage(requested) {
  const candidates = [requested, document.documentElement.lang, ...(navigator.languages || [])];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const base = candidate.toLowerCase().split("-")[0];
    if (catalogs[base]) return base;
  }
  return "en";
}

export function translator(language) {
  const messages = catalogs[language] || en;
  const plural = new Intl.PluralRules(language);
  const fill = (text, values) =>
    text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : `{${key}}`));

  function t(key, values = {}) {
    const entry = messages[key] ?? en[key] ?? key;
    if (typeof entry === "object") {
      const form = plural.select(values.n ?? 0);
      return fill(entry[form] ?? entry.other, values);
    }
    return fill(entry, values);
  }

  t.error = (problem) => {
    const errors = { ...en.errors, ...(messages.errors || {}) };
    const text =
      errors[`${problem.code}.${problem.field}`] ?? errors[problem.code] ?? errors.error;
    return fill(text, { s: problem.retryAfter || 1 });
  };

  t.language = language;
  t.direction = ["ar", "fa", "he", "ur"].includes(language) ? "rtl" : "ltr";
  return t;
}
