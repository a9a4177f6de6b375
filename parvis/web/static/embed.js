/* Parvis comment widget. Plain JavaScript, no dependency, no build step.
 *
 * On a publisher's page:
 *   <script src="https://comments.example/embed.js" data-uri="/2025/08/15/article"
 *           data-lang="fr" async></script>
 * Optional: data-title="Article title" (used when the first comment creates the thread),
 *           data-target="#comments" (a container to fill instead of "right after the script"),
 *           data-styles="none" (do not add the stylesheet; the publisher styles it).
 *
 * The server renders the section (GET /thread?fragment=1); this script inserts it and
 * enhances it. On the server's own /thread page, or when the publisher includes the
 * server-rendered fragment, the script has no data-uri and enhances `section.parvis` in
 * place. Every text comes from the server (data-parvis-text), already translated.
 */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  if (!script) return;
  const base = script.src.replace(/\/embed\.js(?:[?#].*)?$/, "");
  const opts = script.dataset;
  const KEY = "parvis-edits";

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const button = (cls, text) => {
    const b = el("button", cls, text);
    b.type = "button";
    return b;
  };
  const parse = (html) => {
    const t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  };
  const plainClick = (e) => e.button === 0 && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey);

  // Edit tokens live in localStorage, keyed by comment id, until the edit window closes.
  const stored = () => {
    try {
      const all = JSON.parse(localStorage.getItem(KEY)) || {};
      for (const id in all) if (all[id].x < Date.now()) delete all[id];
      return all;
    } catch (_) {
      return {};
    }
  };
  const store = (id, entry) => {
    const all = stored();
    if (entry) all[id] = entry;
    else delete all[id];
    try {
      localStorage.setItem(KEY, JSON.stringify(all));
    } catch (_) { /* private mode: editing just ends with the page */ }
  };

  const addStyles = () => {
    if (opts.styles === "none") return;
    const href = base + "/static/parvis.css";
    for (const l of document.querySelectorAll('link[rel="stylesheet"]')) if (l.href === href) return;
    const link = el("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.append(link);
  };

  function enhance(section) {
    if (section.dataset.parvisReady) return;
    section.dataset.parvisReady = "1";
    let t = {};
    try {
      t = JSON.parse(section.dataset.parvisText || "{}");
    } catch (_) { /* keep going with the server-rendered texts */ }
    const uri = section.dataset.parvisUri;
    const lang = section.dataset.parvisLang || opts.lang || "";
    const form = section.querySelector("form.parvis-form");
    const list = section.querySelector(".parvis-comments");
    const headers = (extra) => Object.assign(lang ? { "Accept-Language": lang } : {}, extra);

    let notice = section.querySelector("#parvis-notice");
    if (!notice) {
      notice = el("p", "parvis-notice");
      notice.id = "parvis-notice";
      notice.setAttribute("role", "status");
      (form || list).before(notice);
    }
    notice.setAttribute("aria-live", "polite");
    const say = (text, kind) => {
      notice.className = "parvis-notice parvis-notice-" + kind;
      notice.textContent = text || "";
    };

    const count = (delta) => {
      const h = section.querySelector(".parvis-count");
      if (!h || !t.count2) return;
      const n = Math.max(0, (parseInt(h.dataset.count, 10) || 0) + delta);
      h.dataset.count = n;
      h.textContent = (n === 0 ? t.count0 : n === 1 ? t.count1 : t.count2).replace(/\d+/, n);
    };

    const find = (id) => list.querySelector('.parvis-comment[data-id="' + id + '"]');

    // A comment the reader just posted, as the server would show it (text only, escaped).
    const preview = (id, author, text, status) => {
      const a = el("article", "parvis-comment parvis-own");
      a.dataset.id = id;
      a.tabIndex = -1;
      const head = el("header", "parvis-comment-header");
      head.append(el("span", "parvis-author", author), " ");
      if (status === "published") {
        a.id = id;
        const link = el("a", "parvis-permalink", "#" + id);
        link.href = "#" + id;
        head.append(link);
      }
      head.append(el("span", "parvis-badge"));
      const body = el("div", "parvis-body");
      for (const para of text.split(/\n\s*\n/)) body.append(el("p", "parvis-plain", para.trim()));
      a.append(head, body);
      mark(a, status);
      return a;
    };
    const mark = (a, status) => {
      a.classList.toggle("parvis-pending", status === "pending");
      const badge = a.querySelector(".parvis-badge");
      if (badge) badge.textContent = status === "pending" ? t.pending : "";
    };
    const place = (a, parent) => {
      if (!parent) return list.prepend(a), true;
      const p = find(parent);
      if (!p) return false;
      let replies = p.querySelector(":scope > .parvis-replies");
      if (!replies) p.append((replies = el("div", "parvis-replies")));
      replies.append(a);
      return true;
    };

    // "Modifier" / "Supprimer" on one's own comment while the edit window is open.
    const ownActions = (a, id) => {
      const entry = stored()[id];
      if (!entry || a.querySelector(".parvis-own-actions")) return;
      const bar = el("div", "parvis-own-actions");
      const edit = button("parvis-edit", t.edit);
      const del = button("parvis-delete", t.delete);
      bar.append(edit, " ", del);
      const body = a.querySelector(":scope > .parvis-body");
      body.after(bar);
      const close = setTimeout(() => bar.remove(), entry.x - Date.now());
      const call = (method, data) =>
        fetch(base + "/api/v1/comments/" + id, {
          method,
          headers: headers({ "Content-Type": "application/json", "X-Parvis-Edit-Token": entry.t }),
          body: data && JSON.stringify(data),
        });
      const failed = async (res, where) => {
        const data = res && (await res.json().catch(() => null));
        let p = where.querySelector(".parvis-field-error");
        if (!p) where.append((p = el("p", "parvis-field-error")));
        p.setAttribute("role", "alert");
        p.textContent = (data && data.error && data.error.message) || t.failed;
      };

      del.addEventListener("click", async () => {
        if (!window.confirm(t.confirm)) return;
        const res = await call("DELETE").catch(() => null);
        if (!res || !res.ok) return failed(res, bar);
        clearTimeout(close);
        store(id, null);
        if (entry.st === "published") count(-1);
        a.remove();
        say(t.deleted, "deleted");
        if (form) form.elements.text.focus();
      });

      edit.addEventListener("click", () => {
        const f = el("form", "parvis-edit-form");
        const area = el("textarea");
        area.name = "text";
        area.rows = 5;
        area.value = entry.s;
        area.maxLength = +section.dataset.parvisMax || 10000;
        area.setAttribute("aria-label", t.edit);
        const save = el("button", "parvis-submit", t.save);
        const cancel = button("parvis-cancel", t.cancel);
        f.append(area, save, " ", cancel);
        body.hidden = bar.hidden = true;
        body.after(f);
        area.focus();
        const done = () => {
          f.remove();
          body.hidden = bar.hidden = false;
          edit.focus();
        };
        cancel.addEventListener("click", done);
        f.addEventListener("keydown", (e) => e.key === "Escape" && done());
        f.addEventListener("submit", async (e) => {
          e.preventDefault();
          save.disabled = true;
          const res = await call("PUT", { text: area.value }).catch(() => null);
          save.disabled = false;
          if (!res || !res.ok) return failed(res, f);
          const data = await res.json();
          body.innerHTML = data.html; // the server's own sanitised rendering
          if (entry.st === "published" && data.status !== "published") count(-1);
          Object.assign(entry, { s: area.value, st: data.status, c: data.checking });
          store(id, entry);
          mark(a, data.status);
          say(data.checking ? t.checking : t[data.status], data.status);
          if (data.checking) watch(id, a);
          done();
        });
      });
    };

    // A comment still being checked against the charter: ask again, less and less often,
    // until its checks have run, then show where it went (usually within a second).
    const watch = async (id, a) => {
      for (let wait = 300; wait < 20000; wait *= 2) {
        await new Promise((done) => setTimeout(done, wait));
        const entry = stored()[id];
        if (!entry || !a.isConnected) return;
        const res = await fetch(base + "/api/v1/comments/" + id, {
          headers: headers({ "X-Parvis-Edit-Token": entry.t }),
        }).catch(() => null);
        if (!res || !res.ok) return;
        const data = await res.json();
        if (data.checking) continue;
        entry.c = false;
        if (data.status === "rejected") { // back to the form, to rewrite it
          store(id, null);
          a.remove();
          if (form && !form.elements.text.value) form.elements.text.value = entry.s;
          if (form) form.elements.text.focus();
        } else {
          if (data.status === "published" && entry.st !== "published") {
            count(1);
            a.id = id;
          }
          entry.st = data.status;
          store(id, entry);
          mark(a, data.status);
        }
        return say(t[data.status], data.status);
      }
    };

    // Comments posted from this browser, still editable: show them again after a reload.
    const all = stored();
    for (const id in all) {
      const e = all[id];
      if (e.u !== uri || e.b !== base) continue;
      let a = find(id);
      if (!a && e.st !== "rejected") {
        a = preview(id, e.a, e.s, e.st);
        if (!place(a, e.p)) continue;
      }
      else if (a && a.id && e.st !== "published") store(id, Object.assign(e, { st: "published" }));
      if (a) ownActions(a, id);
      if (a && e.c) watch(id, a);
    }

    if (form) enhanceForm();

    function enhanceForm() {
      const home = document.createComment("parvis-form");
      form.before(home);
      const field = (name) => form.elements[name];
      const submit = form.querySelector(".parvis-submit") || form.querySelector('[type="submit"]');
      let replyLink = null;
      try {
        if (!field("author").value) field("author").value = localStorage.getItem("parvis-author") || "";
      } catch (_) { /* no storage */ }

      const clearErrors = () => {
        form.querySelectorAll(".parvis-field-error, .parvis-error").forEach((p) => p.remove());
        form.querySelectorAll("[aria-invalid]").forEach((i) => {
          i.removeAttribute("aria-invalid");
          i.removeAttribute("aria-describedby");
        });
      };
      const showError = (err) => {
        const message = (err && err.message) || t.failed;
        const input = err && err.field && field(err.field);
        if (input && input.type !== "hidden") {
          const p = el("p", "parvis-field-error", message);
          p.id = "parvis-error-" + err.field;
          input.closest("label").after(p);
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", p.id);
          input.focus();
        } else {
          const p = el("p", "parvis-error", message);
          p.setAttribute("role", "alert");
          form.prepend(p);
        }
      };
      form.addEventListener("input", (e) => {
        if (e.target.getAttribute("aria-invalid")) {
          const p = form.querySelector("#" + e.target.getAttribute("aria-describedby"));
          if (p) p.remove();
          e.target.removeAttribute("aria-invalid");
          e.target.removeAttribute("aria-describedby");
        }
      });

      const reply = (link) => {
        replyLink = link;
        field("parent").value = link.dataset.reply;
        let note = form.querySelector(".parvis-replying");
        if (!note) form.querySelector("label").before((note = el("p", "parvis-replying")));
        const who = t.replying.replace("{id}", link.dataset.reply).replace("{author}", link.dataset.author);
        note.textContent = who + " ";
        const cancel = el("a", "parvis-cancel-reply", t.cancel);
        cancel.href = "#parvis-form";
        note.append(cancel);
        (link.closest(".parvis-comment-footer") || link).after(form);
        form.classList.add("parvis-form-reply");
        field("text").focus();
      };
      const endReply = (refocus) => {
        field("parent").value = "";
        const note = form.querySelector(".parvis-replying");
        if (note) note.remove();
        form.classList.remove("parvis-form-reply");
        home.after(form);
        if (refocus && replyLink) replyLink.focus();
        replyLink = null;
      };
      form.addEventListener("keydown", (e) => {
        if (e.key === "Escape" && field("parent").value) endReply(true);
      });
      section.addEventListener("click", (e) => {
        const link = e.target.closest && e.target.closest("a.parvis-reply, a.parvis-cancel-reply");
        if (!link || !plainClick(e)) return;
        e.preventDefault();
        if (link.classList.contains("parvis-reply")) reply(link);
        else endReply(true);
      });

      // "Vérifier": what the charter would flag, with suggestions, before posting.
      const checked = form.querySelector(".parvis-checked");
      // quiet: the check run while typing stays silent on errors and hides a clean result.
      const check = async (quiet) => {
        const res = await fetch(base + "/api/v1/check", {
          method: "POST",
          headers: headers({ "Content-Type": "application/json" }),
          body: JSON.stringify({ text: field("text").value, uri }),
        }).catch(() => null);
        const answer = res && (await res.json().catch(() => null));
        if (!res || !res.ok || !answer) return quiet ? null : showError(answer && answer.error);
        checked.replaceChildren();
        checked.hidden = quiet === true && !answer.flags.length;
        if (!answer.flags.length) return checked.append(el("p", "parvis-checked-ok", t.clean));
        // Evidence indices count code points in the text as the server cleaned it.
        const clean = field("text").value.replace(/\r\n/g, "\n").replace(/[\0-\x08\v\f\x0e-\x1f\x7f]/g, "");
        const chars = [...clean.trim()];
        const text = el("p", "parvis-checked-text");
        const rules = el("ul", "parvis-checked-rules");
        const spans = [];
        for (const flag of answer.flags) {
          const wording = section.querySelector('.parvis-charter [data-rule="' + flag.rule + '"]');
          const li = el("li", null, wording ? wording.textContent : flag.rule);
          const list = el("ul", "parvis-checked-evidence");
          for (const ev of flag.evidence) {
            spans.push([ev.start, ev.end, flag.rule, ev]);
            const item = el("li");
            item.append(el("q", null, ev.text), " " + ev.note);
            const fix = ev.suggestions && "→ " + ev.suggestions.join(", ");
            if (fix) item.append(" ", el("span", "parvis-suggestions", fix));
            list.append(item);
          }
          li.dataset.rule = flag.rule;
          li.append(list);
          rules.append(li);
        }
        spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
        let pos = 0;
        for (const [start, end, rule, ev] of spans) {
          if (start < pos || end > chars.length) continue;
          const m = el("mark", (rule === "language" ? "parvis-spell" : "parvis-flag") + " parvis-rule-" + rule);
          m.textContent = chars.slice(start, end).join("");
          m.title = ev.note + (ev.suggestions ? " → " + ev.suggestions.join(", ") : "");
          text.append(chars.slice(pos, start).join(""), m);
          pos = end;
        }
        text.append(chars.slice(pos).join(""));
        checked.append(el("p", "parvis-checked-intro", t.flagged), text, rules);
      };

      // As the reader types: the same check, a moment after they pause.
      let typing = 0;
      let lastChecked = "";
      if (checked) {
        field("text").addEventListener("input", () => {
          clearTimeout(typing);
          typing = setTimeout(() => {
            const value = field("text").value.trim();
            if (value.length < 20 || value === lastChecked) return;
            lastChecked = value;
            check(true);
          }, 1200);
        });
      }

      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (submit.disabled) return;
        clearErrors();
        if (e.submitter && e.submitter.name === "check") return checked && check(false);
        const data = {
          uri,
          parent: parseInt(field("parent").value, 10) || null,
          author: field("author").value,
          email: field("email").value.trim() || null,
          notify_replies: !!(field("notify_replies") && field("notify_replies").checked),
          text: field("text").value,
          title: opts.title || null,
        };
        const label = submit.textContent;
        submit.disabled = true;
        submit.textContent = t.sending || label;
        form.setAttribute("aria-busy", "true");
        let res = null;
        let answer = null;
        try {
          res = await fetch(base + "/api/v1/comments", {
            method: "POST",
            headers: headers({ "Content-Type": "application/json" }),
            body: JSON.stringify(data),
          });
          answer = await res.json();
        } catch (_) { /* reported below */ }
        submit.disabled = false;
        submit.textContent = label;
        form.removeAttribute("aria-busy");
        if (!res || !res.ok || !answer) return showError(answer && answer.error);
        posted(answer, data);
      });

      const posted = (answer, data) => {
        const status = answer.status;
        say(answer.checking ? t.checking : t[status], status);
        if (status === "rejected") return field("text").focus(); // keep the text: rewrite it
        try {
          localStorage.setItem("parvis-author", data.author);
        } catch (_) { /* no storage */ }
        store(answer.id, {
          t: answer.edit_token, x: Date.now() + answer.edit_seconds * 1000, u: uri, b: base,
          p: data.parent, a: data.author.trim(), s: data.text, st: status, c: answer.checking,
        });
        field("text").value = "";
        if (checked) checked.hidden = true;
        endReply(false);
        const a = preview(answer.id, data.author.trim(), data.text, status);
        place(a, data.parent) || list.prepend(a);
        ownActions(a, answer.id);
        if (status === "published") count(1);
        if (answer.checking) watch(answer.id, a);
        a.focus();
      };
    }

    // "Suivre les commentaires": the JSON route, since the page's form needs a cookie that
    // a publisher's page cannot give.
    const follow = section.querySelector("form.parvis-follow-form");
    if (follow) {
      follow.addEventListener("submit", async (e) => {
        e.preventDefault();
        const mode = follow.querySelector('[name="mode"]:checked');
        const res = await fetch(base + "/api/v1/subscriptions", {
          method: "POST",
          headers: headers({ "Content-Type": "application/json" }),
          body: JSON.stringify({
            uri, email: follow.elements.email.value, mode: mode ? mode.value : "immediate", lang,
            page: location.href.split("#")[0], // where "back to the article" leads, after confirming
          }),
        }).catch(() => null);
        const answer = res && (await res.json().catch(() => null));
        const box = follow.parentElement;
        box.querySelectorAll(":scope > .parvis-notice, :scope > .parvis-error").forEach((p) => p.remove());
        const ok = res && res.ok;
        const message = ok ? t.followSent : (answer && answer.error && answer.error.message) || t.failed;
        const p = el("p", ok ? "parvis-notice" : "parvis-error", message);
        p.setAttribute("role", ok ? "status" : "alert");
        follow.before(p);
        if (ok) follow.reset();
      });
    }

    // "Alerter": the reasons form, cloned from the section's <template>, sent as JSON.
    const reportForm = section.querySelector("template.parvis-report-template");
    section.addEventListener("click", (e) => {
      const link = e.target.closest && e.target.closest("a.parvis-report");
      if (!link || !reportForm || !plainClick(e)) return;
      e.preventDefault();
      const where = link.closest(".parvis-comment-footer") || link.parentElement;
      const open = where.nextElementSibling;
      if (open && open.matches(".parvis-report-form")) return open.remove(), link.focus();
      const f = reportForm.content.firstElementChild.cloneNode(true);
      f.elements.comment.value = link.dataset.report;
      where.after(f);
      f.querySelector("input[type=radio]").focus();
      const close = () => (f.remove(), link.focus());
      f.querySelector(".parvis-cancel").addEventListener("click", close);
      f.addEventListener("keydown", (ev) => ev.key === "Escape" && close());
      f.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const reason = f.querySelector('[name="reason"]:checked');
        const res = await fetch(base + "/api/v1/reports", {
          method: "POST",
          headers: headers({ "Content-Type": "application/json" }),
          body: JSON.stringify({
            uri, comment: parseInt(link.dataset.report, 10) || null,
            reason: reason ? reason.value : "", note: f.elements.note.value || null,
          }),
        }).catch(() => null);
        const answer = res && (await res.json().catch(() => null));
        f.querySelectorAll(".parvis-error").forEach((p) => p.remove());
        if (!res || !res.ok) {
          const p = el("p", "parvis-error", (answer && answer.error && answer.error.message) || t.failed);
          p.setAttribute("role", "alert");
          return f.prepend(p);
        }
        const done = el("p", "parvis-notice parvis-report-thanks", (answer && answer.message) || t.reported);
        done.setAttribute("role", "status");
        done.tabIndex = -1;
        f.replaceWith(done);
        done.focus();
      });
    });

    // "Afficher les commentaires précédents": the next page, in place.
    section.addEventListener("click", async (e) => {
      const link = e.target.closest && e.target.closest("a.parvis-more");
      if (!link || !plainClick(e)) return;
      e.preventDefault();
      if (link.getAttribute("aria-busy")) return;
      link.setAttribute("aria-busy", "true");
      const q = new URLSearchParams({ uri, fragment: "comments", before: link.dataset.before });
      if (lang) q.set("lang", lang);
      try {
        const res = await fetch(base + "/thread?" + q);
        if (!res.ok) throw new Error(res.status);
        const html = parse(await res.text());
        const chunk = html.querySelector(".parvis-page-chunk");
        const first = chunk && chunk.firstElementChild;
        if (chunk) list.append(...chunk.children);
        const next = html.querySelector("a.parvis-more");
        if (next) link.replaceWith(next);
        else link.remove();
        if (first) {
          first.tabIndex = -1;
          first.focus();
        }
      } catch (_) {
        link.removeAttribute("aria-busy");
        say(t.failed, "error");
      }
    });
  }

  async function embed() {
    const uri = opts.uri;
    const existing = [...document.querySelectorAll("section.parvis")].find((s) => s.dataset.parvisUri === uri);
    if (existing) return enhance(existing);
    const q = new URLSearchParams({ uri, fragment: "1" });
    if (opts.lang) q.set("lang", opts.lang);
    addStyles();
    const res = await fetch(base + "/thread?" + q);
    if (!res.ok) throw new Error("Parvis: " + res.status + " for " + uri);
    const section = parse(await res.text()).querySelector("section.parvis");
    const target = opts.target && document.querySelector(opts.target);
    if (target) target.replaceChildren(section);
    else if (document.body.contains(script)) script.after(section);
    else document.body.append(section);
    enhance(section);
  }

  const start = () => {
    if (opts.uri) embed().catch((err) => console.error(err));
    else document.querySelectorAll("section.parvis").forEach(enhance);
  };
  if (document.readyState === "loading" && (opts.target || !opts.uri || !document.body)) {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
