// Proof of work: fetch a challenge (ALTCHA format), find its number off the main thread,
// and hand back the payload that goes with the comment. Nothing leaves the page but the
// requests to the yorum server.

// Tries numbers from 0 up to maxnumber until SHA-256(salt + number) is the challenge.
// Self-contained, since it also runs as the source of a Web Worker.
async function altchaSolve(c) {
  const started = Date.now();
  const encoder = new TextEncoder();
  const target = new Uint8Array(c.challenge.match(/../g).map((h) => parseInt(h, 16)));
  const BATCH = 1024;
  for (let first = 0; first <= c.maxnumber; first += BATCH) {
    const digests = [];
    for (let n = first; n < first + BATCH && n <= c.maxnumber; n++) {
      digests.push(crypto.subtle.digest("SHA-256", encoder.encode(c.salt + n)));
    }
    const found = (await Promise.all(digests)).findIndex((digest) => {
      const bytes = new Uint8Array(digest);
      for (let i = 0; i < 32; i++) if (bytes[i] !== target[i]) return false;
      return true;
    });
    if (found >= 0) {
      const { algorithm, challenge, salt, signature } = c;
      const number = first + found;
      return btoa(JSON.stringify({ algorithm, challenge, number, salt, signature, took: Date.now() - started }));
    }
  }
  return null;
}

function solveInWorker(challenge) {
  let url;
  try {
    const source = `${altchaSolve}\nonmessage=async(e)=>postMessage(await ${altchaSolve.name}(e.data))`;
    url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url);
    return new Promise((resolve) => {
      const done = (result) => {
        worker.terminate();
        URL.revokeObjectURL(url);
        resolve(result);
      };
      worker.onmessage = (event) => done(event.data);
      // A page whose Content-Security-Policy forbids blob: workers: solve here instead.
      worker.onerror = (event) => {
        event.preventDefault();
        done(altchaSolve(challenge));
      };
      worker.postMessage(challenge);
    });
  } catch {
    if (url) URL.revokeObjectURL(url);
    return altchaSolve(challenge);
  }
}

// One solution at a time, fetched and solved as soon as the reader starts writing.
export function prover(api) {
  let pending = null;
  return {
    start() {
      if (!pending) {
        pending = api.challenge().then(({ data }) => solveInWorker(data));
        pending.catch(() => {
          pending = null;
        });
      }
      return pending;
    },
    take() {
      const solution = this.start();
      pending = null;
      return solution;
    },
  };
}
