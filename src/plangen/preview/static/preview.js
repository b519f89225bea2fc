// plangen preview: listen for changes (Server-Sent Events), fetch the new document, swap it in
// place, keep the reader where they were, and bring the edited part into view.
(function () {
  "use strict";
  const body = document.body;
  const plan = body.dataset.plan;
  if (plan === undefined) return;  // the index page
  const doc = document.getElementById("plangen-doc");
  const errors = document.getElementById("plangen-errors");
  const style = document.getElementById("plangen-doc-style");
  const against = body.dataset.against;
  const query = against ? "?against=" + encodeURIComponent(against) : "";

  function blocks(root) {
    return Array.from(root.querySelectorAll("section.cover > *, main > *, section.appendix > *"));
  }

  function firstChanged(before, after) {
    const n = Math.min(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (before[i] !== after[i].outerHTML) return after[i];
    }
    return after.length > n ? after[n] : null;
  }

  function visible(el) {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  }

  function showErrors(list) {
    errors.replaceChildren(...list.map((line) => {
      const li = document.createElement("li");
      li.textContent = line;
      return li;
    }));
    errors.hidden = list.length === 0;
  }

  function apply(d) {
    style.textContent = d.style;
    if (d.body !== doc.innerHTML) {
      const before = blocks(doc).map((el) => el.outerHTML);
      const y = window.scrollY;
      doc.innerHTML = d.body;
      window.scrollTo(0, y);
      const changed = firstChanged(before, blocks(doc));
      if (changed && !visible(changed)) changed.scrollIntoView({block: "center"});
    }
    showErrors(d.errors);
    const files = document.querySelector("#plangen-bar .files");
    files.replaceChildren(...d.files.map((fmt) => {
      const a = document.createElement("a");
      a.className = "file";
      a.href = "/plan/" + plan + "/file." + fmt;
      a.textContent = fmt.toUpperCase();
      return a;
    }));
    body.dataset.version = d.version;
  }

  let busy = false, again = false;
  async function update() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        const r = await fetch("/plan/" + plan + "/doc" + query, {cache: "no-store"});
        if (r.ok) apply(await r.json());
      } while (again);
    } finally {
      busy = false;
    }
  }

  const events = new EventSource("/events");
  events.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (String(msg.plan) === plan) update();
  };
  events.onopen = () => update();  // after a reconnect, catch up
})();
