// Types text into a PDF's form fields the way pdf.js (Firefox) does, running the fields'
// JavaScript (keystroke and format actions, e.g. AFDate_FormatEx) in pdf.js's own QuickJS
// sandbox, and prints what the field shows after each typing, in order, as JSON
// {"shown": [...], "alerts": [...]} (an alert: the reader refused the value).
// Usage: node type.mjs IN.pdf NAME=VALUE [NAME=VALUE ...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve("pdfjs-dist/package.json"));
const [input, ...pairs] = process.argv.slice(2);

// the browser window the sandbox talks to: timers, alerts (an invalid date) and its events
let last = null;  // what the field typed into last shows
const alerts = [];
const events = new EventTarget();
globalThis.window = {
  setTimeout, clearTimeout, setInterval, clearInterval, URL, console, CustomEvent,
  alert: (message) => alerts.push(message), confirm: () => false, prompt: () => null,
  dispatchEvent: (event) => events.dispatchEvent(event),
};
const { QuickJSSandbox } = await import(path.join(root, "legacy/build/pdf.sandbox.mjs"));

const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(input)), verbosity: 0 }).promise;
const objects = await doc.getFieldObjects();
const ids = {};
for (const [name, objs] of Object.entries(objects)) {
  for (const obj of objs) if (obj.type) ids[obj.id] = name;
}
events.addEventListener("updatefromsandbox", ({ detail }) => {
  if (detail.id in ids && ("formattedValue" in detail || "value" in detail)) {
    last = detail.formattedValue ?? detail.value;
  }
});
const sandbox = await QuickJSSandbox();
sandbox.create({
  objects, calculationOrder: [], appInfo: { platform: "Linux", language: "en-US" },
  docInfo: { ...(await doc.getMetadata()).info, baseURL: "", filesize: 0, numPages: doc.numPages, URL: "", actions: {} },
});
const shown = [];
for (const pair of pairs) {
  const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
  const id = objects[name].find((o) => o.type).id;
  last = null;
  // what pdf.js's annotation layer sends when a person types VALUE and leaves the field
  sandbox.dispatchEvent({ id, name: "Keystroke", value, change: value, willCommit: true, commitKey: 2,
                          selStart: 0, selEnd: 0 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  shown.push(last);
}
sandbox.nukeSandbox();
await doc.destroy();
process.stdout.write(JSON.stringify({ shown, alerts }) + "\n");
