// The widget's words. English is built in; other languages are fetched from the yorum
// server when needed. The language is chosen from data-yorum-lang, the page's
// <html lang>, then the browser. Plurals go through Intl.PluralRules and errors are
// worded by their code (and field), never by the server's English text.

import en from "./i18n/en.json";

export const LANGUAGES = ["en", "tr", "ar", "fa", "de", "fr", "es", "ru"];
const RTL = ["ar", "fa", "he", "ur"];

export function chooseLanguage(requested) {
  const candidates = [requested, document.documentElement.lang, ...(navigator.languages || [])];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const base = candidate.toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

export async function loadMessages(server, language) {
  if (language === "en") return en;
  try {
    const response = await fetch(
      `${server}/widget/i18n/${language}.json?v=${__YORUM_I18N_VERSION__}`,
      { credentials: "omit" },
    );
    return response.ok ? await response.json() : en;
  } catch {
    return en;
  }
}

export function translator(language, messages = en) {
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
  t.direction = RTL.includes(language) ? "rtl" : "ltr";
  return t;
}
