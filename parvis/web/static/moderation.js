/* The moderation queue with the keyboard: j / k move between items, a approves,
 * r rejects the current item, x selects it. Decisions go to POST /mod/decide and answer
 * JSON; the page's plain buttons and forms keep working without this script. */
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
    status.textContent = "#" + id + " : " + word;
    const list = items();
    const next = list[list.indexOf(item) + 1] || list[list.indexOf(item) - 1];
    item.remove();
    if (total) {
      const n = Math.max(0, (parseInt(total.dataset.total, 10) || 0) - 1);
      total.dataset.total = n;
      total.textContent = "(" + n + ")";
    }
    syncSelectAll();
    if (next) focus(next);
    else window.location.assign("/mod/queue?done=" + decided); // the next page, or "nothing to do"
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
    const key = e.key.toLowerCase();
    if (key === "j") move(1);
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
