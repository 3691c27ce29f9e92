// Talking to the yorum server: JSON in and out, problems as thrown objects.

export class Problem extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || "network";
    this.field = (body && body.field) || null;
    this.retryAfter = 0;
  }
}

export function client(base, site) {
  async function call(method, path, { query, body, token } = {}) {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers["X-Edit-Token"] = token;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch {
      throw new Problem(0, { error: "network" });
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = new Problem(response.status, data);
      problem.retryAfter = Number(response.headers.get("Retry-After")) || 0;
      throw problem;
    }
    return { status: response.status, data };
  }

  return {
    site: () => call("GET", "/api/site", { query: { site } }),
    challenge: () => call("GET", "/api/challenge", { query: { site } }),
    thread: (uri, params) => call("GET", "/api/thread", { query: { site, uri, ...params } }),
    post: (fields) => call("POST", "/api/comments", { body: { site, ...fields } }),
    source: (id, token) => call("GET", `/api/comments/${id}`, { token }),
    edit: (id, token, fields) => call("PATCH", `/api/comments/${id}`, { token, body: fields }),
    remove: (id, token) => call("DELETE", `/api/comments/${id}`, { token }),
    vote: (id, value) => call("POST", `/api/comments/${id}/vote`, { body: { value } }),
    report: (id, fields) => call("POST", `/api/comments/${id}/report`, { body: fields }),
    preview: (text) => call("POST", "/api/preview", { body: { text } }),
  };
}
