/* The moderation queue with the keyboard: j / k move between items, a approves,
 * r rejects the current item, x selects it, n writes a private note, u undoes the last
 * decision for a few seconds, ? shows the keys. Decisions go to POST /mod/decide and
 * answer JSON; the page's plain buttons and forms keep working without this script. */
(() => {
  "use strict";
  const form = document.getElementById("parvis-queue");
  if (!form) return;
  const status = document.getElementById("parvis-mod-status") || document.createElement("p");
  const total = document.querySelector(".parvis-queue-total");
  const selectAll = form.querySelector(".parvis-select-all");
  const items = () => [...form.querySelectorAll(".parvis-queue-item")];
  const boxes = () => [...form.querySelectorAll('input[name="ids"]')];
  let current = null;
  let decided = 0;
  let last = null; // {item, before, id, timer}: what "u" can still put back
  const help = document.getElementById("parvis-help");
  const helpButton = document.querySelector(".parvis-help-button");
  const toggleHelp = () => {
    if (!help || !help.showModal) return;
    if (help.open) help.close();
    else help.showModal();
  };
  if (helpButton && help && help.showModal) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", toggleHelp);
  }

  const undo = async () => {
    if (!last) return;
    const { item, before, id } = last;
    clearTimeout(last.timer);
    last = null;
    const body = new URLSearchParams({ csrf: form.elements.csrf.value, id });
    let ok = false;
    try {
      const res = await fetch("/mod/undo", {
        method: "POST", headers: { Accept: "application/json" }, body, credentials: "same-origin",
      });
      ok = res.ok;
    } catch (_) { /* reported below */ }
    if (!ok) {
      status.textContent = form.dataset.parvisUndoFailed;
      return;
    }
    const list = form.querySelector(".parvis-queue-items");
    if (before && before.parentNode === list) list.insertBefore(item, before);
    else list.appendChild(item);
    decided -= 1;
    if (total) {
      const n = (parseInt(total.dataset.total, 10) || 0) + 1;
      total.dataset.total = n;
      total.textContent = "(" + n + ")";
    }
    status.textContent = "#" + id + " : " + form.dataset.parvisUndone;
    focus(item);
  };

  const focus = (item) => {
    if (!item) return;
    if (current) current.classList.remove("parvis-current");
    current = item;
    item.classList.add("parvis-current");
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  };
  const move = (step) => {
    const list = items();
    const i = list.indexOf(current);
    focus(list[i < 0 ? 0 : Math.min(list.length - 1, Math.max(0, i + step))]);
  };
  const syncSelectAll = () => {
    if (!selectAll) return;
    const all = boxes();
    const on = all.filter((b) => b.checked).length;
    selectAll.checked = on > 0 && on === all.length;
    selectAll.indeterminate = on > 0 && on < all.length;
  };

  const decide = async (item, action, button) => {
    if (!item || item.getAttribute("aria-busy")) return;
    const id = item.dataset.id;
    item.setAttribute("aria-busy", "true");
    const body = new URLSearchParams({ csrf: form.elements.csrf.value, ids: id, action });
    const note = item.querySelector('input[name="note-' + id + '"]');
    if (note && note.value) body.append("note-" + id, note.value);
    let ok = false;
    try {
      const res = await fetch("/mod/decide", {
        method: "POST",
        headers: { Accept: "application/json" },
        body,
        credentials: "same-origin",
      });
      const data = res.ok && (await res.json());
      ok = !!(data && data.done && data.done.length);
    } catch (_) { /* reported below */ }
    item.removeAttribute("aria-busy");
    if (!ok) {
      status.textContent = form.dataset.parvisFailed;
      // The session or the form may have expired: let the plain form say why.
      if (button) form.requestSubmit(button);
      return;
    }
    decided += 1;
    const word = action === "approve" ? form.dataset.parvisApproved : form.dataset.parvisRejected;
    status.textContent = "#" + id + " : " + word + " — " + form.dataset.parvisUndoHint;
    const list = items();
    const next = list[list.indexOf(item) + 1] || list[list.indexOf(item) - 1];
    if (last) clearTimeout(last.timer);
    last = { item, before: item.nextElementSibling, id };
    last.timer = setTimeout(() => { last = null; }, (parseInt(form.dataset.parvisUndoSeconds, 10) || 10) * 1000);
    item.remove();
    if (total) {
      const n = Math.max(0, (parseInt(total.dataset.total, 10) || 0) - 1);
      total.dataset.total = n;
      total.textContent = "(" + n + ")";
    }
    syncSelectAll();
    if (next) focus(next);
    // The next page, or "nothing to do", once the undo window is over.
    else setTimeout(() => { if (!last) window.location.assign("/mod/queue?done=" + decided); },
      (parseInt(form.dataset.parvisUndoSeconds, 10) || 10) * 1000 + 200);
  };

  // The items' own buttons: same request, no page reload.
  form.addEventListener("click", (e) => {
    const button = e.target.closest(".parvis-approve, .parvis-reject");
    if (!button) return;
    e.preventDefault();
    const item = button.closest(".parvis-queue-item");
    focus(item);
    decide(item, button.dataset.action, button); // on failure, the plain form submission
  });
  form.addEventListener("focusin", (e) => {
    const item = e.target.closest(".parvis-queue-item");
    if (item && item !== current) {
      if (current) current.classList.remove("parvis-current");
      current = item;
      item.classList.add("parvis-current");
    }
  });
  form.addEventListener("change", (e) => {
    if (e.target === selectAll) boxes().forEach((b) => (b.checked = selectAll.checked));
    else syncSelectAll();
  });

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target;
    const typing = target.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(target.type);
    if (typing || target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (e.key === "?") { toggleHelp(); e.preventDefault(); return; }
    const key = e.key.toLowerCase();
    if (key === "u") undo();
    else if (key === "n") {
      if (!current) return move(0);
      const note = current.querySelector('input[name^="note-"]');
      if (note) note.focus();
    } else if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "a" || key === "r") {
      if (!current) return move(0);
      decide(current, key === "a" ? "approve" : "reject");
    } else if (key === "x") {
      if (!current) return move(0);
      const box = current.querySelector('input[name="ids"]');
      box.checked = !box.checked;
      syncSelectAll();
    } else return;
    e.preventDefault();
  });
})();
