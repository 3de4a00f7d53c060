// The Security Settings section: the API token's eye, Copy, Generate and
// Stop buttons, the Allowed IP Addresses entries, the password prompt for
// changes that weaken protection, and the Save's feedback. Without this
// module the section still works as a plain form (the list is a textarea,
// one address per line; a new token is shown in full by the server); the
// server checks everything again on Save.

const form = document.getElementById("security-form");

if (form) {
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  async function post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      body: new URLSearchParams(data),
      credentials: "same-origin",
    });
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    return { response, payload };
  }

  for (const part of form.querySelectorAll("[data-js-only]")) part.hidden = false;
  for (const part of form.querySelectorAll("[data-no-js-only]")) part.hidden = true;

  // ---- Sudo mode: the password prompt -------------------------------------
  const dialog = document.getElementById("sudo-dialog");
  const sudoPassword = document.getElementById("sudo-password");
  const sudoErrors = document.getElementById("sudo-errors");
  let sudoUntil = form.dataset.inSudo === "1" ? Date.now() + 14 * 60 * 1000 : 0;

  function askPassword() {
    return new Promise((resolve) => {
      sudoErrors.replaceChildren();
      sudoPassword.value = "";
      const sudoForm = document.getElementById("sudo-form");
      const cancel = dialog.querySelector("[data-action=sudo-cancel]");
      const finish = (ok) => {
        sudoForm.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        dialog.close();
        resolve(ok);
      };
      const onCancel = () => finish(false);
      const onSubmit = async (event) => {
        event.preventDefault();
        const { response, payload } = await post(form.dataset.confirmUrl, { password: sudoPassword.value });
        if (response.ok) {
          sudoUntil = Date.now() + (payload.validForSeconds - 30) * 1000;
          finish(true);
        } else {
          const item = document.createElement("li");
          item.textContent = payload?.message || response.statusText;
          sudoErrors.replaceChildren(item);
          sudoPassword.select();
        }
      };
      sudoForm.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      sudoPassword.focus();
    });
  }

  async function withPassword(action) {
    let result = await action();
    if (result.response.status === 403 && result.payload?.error === "password_required") {
      if (!(await askPassword())) return null;
      result = await action();
    }
    return result;
  }

  // A question in a <dialog>; resolves with the value of the button pressed.
  function ask(question) {
    return new Promise((resolve) => {
      const onClose = () => {
        question.removeEventListener("close", onClose);
        resolve(question.returnValue);
      };
      question.returnValue = "";
      question.addEventListener("close", onClose);
      question.showModal();
    });
  }

  // ---- API Token -----------------------------------------------------------
  const tokenInput = document.getElementById("api-token");
  const toggle = form.querySelector("[data-action=toggle-token]");
  const copy = form.querySelector("[data-action=copy-token]");
  const generate = form.querySelector("[data-action=generate-token]");
  const pendingId = document.getElementById("pending-token-id");
  const pendingNotice = document.getElementById("pending-token-notice");
  const tokenStatus = document.getElementById("token-status");
  let masked = tokenInput.dataset.masked;
  let shown = false;
  let submitting = false;

  toggle.hidden = false;
  copy.hidden = false;

  function tokenRequest(purpose) {
    return post(form.dataset.revealUrl, {
      which: tokenInput.dataset.which,
      id: tokenInput.dataset.tokenId,
      purpose,
    });
  }

  function setShown(value) {
    shown = value;
    toggle.setAttribute("aria-pressed", String(value));
    toggle.setAttribute("aria-label", value ? toggle.dataset.labelHide : toggle.dataset.labelShow);
    if (!value) tokenInput.value = masked;
  }

  // The server shows a new token in full on the page after Generate.
  setShown(tokenInput.dataset.shown === "1");

  toggle.addEventListener("click", async () => {
    if (shown) {
      setShown(false);
      return;
    }
    const result = await withPassword(() => tokenRequest("show"));
    if (result?.response.ok) {
      tokenInput.value = result.payload.token;
      setShown(true);
    }
  });

  async function writeClipboard(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Outside a secure context there is no Clipboard API: select and copy.
      const scratch = document.createElement("textarea");
      scratch.value = text;
      document.body.append(scratch);
      scratch.select();
      const ok = document.execCommand("copy");
      scratch.remove();
      return ok;
    }
  }

  copy.addEventListener("click", async () => {
    const result = await withPassword(() => tokenRequest("copy"));
    if (!result?.response.ok) return;
    if (await writeClipboard(result.payload.token)) {
      const label = copy.textContent;
      copy.textContent = copy.dataset.labelCopied;
      tokenStatus.textContent = copy.dataset.labelCopied;
      setTimeout(() => {
        copy.textContent = label;
        tokenStatus.textContent = "";
      }, 2500);
    }
  });

  generate.addEventListener("click", async (event) => {
    event.preventDefault();
    const result = await withPassword(() => post(form.dataset.generateUrl, {}));
    if (!result?.response.ok) return;
    // Shown at once, in full, with Copy beside it: the moment to copy it.
    masked = result.payload.masked;
    tokenInput.dataset.which = "pending";
    tokenInput.dataset.tokenId = String(result.payload.id);
    pendingId.value = String(result.payload.id);
    tokenInput.value = result.payload.token;
    setShown(true);
    pendingNotice.hidden = false;
    document.getElementById("confirm-password-link")?.closest("p")?.remove();
    tokenInput.focus();
  });

  // A generated token waits on the server until it is saved or discarded;
  // leaving the page is still worth a question, since integrations keep
  // using the old one until it is saved.
  // Renaming the company comes back to this page, where the token still
  // waits: nothing to warn about.
  document.querySelector("#company-heading + form")?.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (pendingId.value && !submitting) {
      event.preventDefault();
      event.returnValue = form.dataset.leaveWarning;
    }
  });

  // "Stop … now": a dialog names the token's last use before it stops.
  const stopDialog = document.getElementById("stop-dialog");
  for (const stop of form.querySelectorAll("[data-action=stop-token]")) {
    stop.addEventListener("click", async (event) => {
      event.preventDefault();
      const heading = document.getElementById("stop-dialog-heading");
      heading.textContent = heading.dataset.template.replace("TOKEN", stop.dataset.token);
      document.getElementById("stop-dialog-last-use").textContent = document
        .getElementById(stop.dataset.lastUse)
        .textContent.replace(/\s+/g, " ")
        .trim();
      if ((await ask(stopDialog)) !== "stop") {
        stop.focus();
        return;
      }
      const stopForm = document.getElementById(stop.getAttribute("form"));
      const stopped = await withPassword(() => post(stopForm.action, { confirmed: "1" }));
      if (!stopped?.response.ok) return;
      // The page again, at the result beside the token.
      submitting = true;
      history.replaceState(null, "", `${location.pathname}#token-result`);
      location.reload();
    });
  }

  // ---- Save ------------------------------------------------------------------
  const clearDialog = document.getElementById("clear-dialog");
  const confirmClear = document.getElementById("confirm-clear");

  // Addresses entered with Enter join the list when their check answers;
  // Save waits for those answers, for the admin's word before it lifts
  // every restriction, and for the password when the change needs it.
  async function submitWhenReady(needsPassword) {
    await checks;
    syncTextarea({ withTyped: true });
    if (clearsTheList() && (await ask(clearDialog)) !== "clear") return;
    if (clearsTheList()) confirmClear.value = "1";
    if (needsPassword && !(await askPassword())) return;
    submitting = true;
    form.submit();
  }

  function clearsTheList() {
    return Number(form.dataset.savedEntries) > 0 && textarea.value.trim() === "" && confirmClear.value !== "1";
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter?.hasAttribute("formaction")) {
      // Discard new token: an ordinary post; the page that follows says so.
      submitting = true;
      return;
    }
    event.preventDefault();
    submitWhenReady(Boolean(pendingId.value) && Date.now() > sudoUntil);
  });

  // ---- Allowed IP Addresses ------------------------------------------------
  const textarea = form.querySelector("textarea[name=allowed_addresses]");
  const list = document.getElementById("allowlist-entries");
  const newEntry = document.getElementById("allowlist-new");
  const newErrors = document.getElementById("allowlist-new-errors");
  const emptyNote = document.getElementById("allowlist-empty-note");
  const field = document.getElementById("allowlist-field");
  const announce = document.getElementById("allowlist-status");
  const addMine = field.querySelector("[data-action=add-my-address]");
  const labels = newEntry.dataset;

  field.querySelector(".no-js-allowlist").hidden = true;
  newEntry.parentElement.hidden = false;
  list.hidden = false;

  function rows() {
    return [...list.querySelectorAll("li.entry")];
  }

  function rowLine(row) {
    const address = row.querySelector("input.address").value.trim();
    const label = row.querySelector("input.label").value.trim();
    return label ? `${address} ${label}` : address;
  }

  // On Save, an address typed but not yet entered with Enter goes too: the
  // server checks it with the rest rather than it being silently dropped.
  function syncTextarea({ withTyped = false } = {}) {
    const lines = rows().map(rowLine);
    if (withTyped && newEntry.value.trim()) lines.push(newEntry.value.trim());
    textarea.value = lines.join("\n");
    emptyNote.hidden = lines.length > 0;
    markCovered();
  }

  function errorItems(target, messages) {
    target.replaceChildren(
      ...messages.map((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        return item;
      }),
    );
  }

  // Only the entries that are wrong turn red, each with its own message.
  function markRow(row, messages) {
    const invalid = messages.length > 0;
    row.classList.toggle("invalid", invalid);
    row.querySelector("input.address").setAttribute("aria-invalid", String(invalid));
    errorItems(row.querySelector("ul.errors"), messages);
  }

  let rowCount = 0;

  function addRow(address, label, messages = []) {
    rowCount += 1;
    const row = document.createElement("li");
    row.className = "entry";
    const addressInput = document.createElement("input");
    addressInput.className = "address";
    addressInput.value = address;
    addressInput.spellcheck = false;
    addressInput.setAttribute("aria-label", address);
    const labelInput = document.createElement("input");
    labelInput.className = "label";
    labelInput.value = label;
    labelInput.placeholder = labels.labelLabel;
    labelInput.setAttribute("aria-label", `${labels.labelLabel} ${address}`);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small";
    remove.textContent = labels.labelRemove;
    remove.setAttribute("aria-label", `${labels.labelRemove} ${address}`);
    const errors = document.createElement("ul");
    errors.className = "errors";
    errors.id = `allowlist-entry-errors-${rowCount}`;
    const covered = document.createElement("p");
    covered.className = "covered";
    covered.id = `allowlist-entry-covered-${rowCount}`;
    covered.hidden = true;
    addressInput.setAttribute("aria-describedby", `${errors.id} ${covered.id}`);
    remove.addEventListener("click", () => {
      // Focus stays in the list: on the next entry's Remove, else the box.
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      syncTextarea();
      announce.textContent = `${labels.labelRemoved}: ${address}`;
      (next?.querySelector("button") || newEntry).focus();
    });
    for (const input of [addressInput, labelInput]) {
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          check("");
        }
      });
      input.addEventListener("change", () => check(""));
    }
    row.append(addressInput, labelInput, remove, errors, covered);
    list.append(row);
    markRow(row, messages);
    return row;
  }

  // One check at a time, in order: each sees the entries the one before
  // added, so a quick "Enter, type, Enter" cannot add a duplicate unnoticed.
  let checks = Promise.resolve();
  let checksWaiting = 0;

  function check(newText, { fromBox = false } = {}) {
    checksWaiting += 1;
    checks = checks
      .then(() => runCheck(newText, fromBox))
      .catch(() => {})
      .finally(() => {
        checksWaiting -= 1;
      });
    return checks;
  }

  // Sends the whole list plus the new lines, so duplicates and every
  // entry's message come from the same parser that Save uses.
  async function runCheck(newText, fromBox) {
    const existing = rows();
    const lines = existing.map(rowLine);
    const newLines = newText.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "");
    const { response, payload } = await post(form.dataset.checkUrl, { lines: [...lines, ...newLines].join("\n") });
    if (!response.ok) return;
    // Non-empty lines are numbered in the order sent, starting at 1.
    const byLine = new Map(payload.entries.map((entry) => [entry.line, entry]));
    const errorsByLine = new Map();
    for (const error of payload.errors) {
      errorsByLine.set(error.line, [...(errorsByLine.get(error.line) || []), error.message]);
    }
    existing.forEach((row, index) => {
      const entry = byLine.get(index + 1);
      if (entry) row.querySelector("input.address").value = entry.text;
      markRow(row, errorsByLine.get(index + 1) || []);
    });
    // Typed or pasted, one behaviour: every line becomes an entry, and a
    // wrong one is a red entry with its message, to be fixed in place.
    const messages = [...payload.notices];
    const added = [];
    newLines.forEach((line, offset) => {
      const number = existing.length + offset + 1;
      const entry = byLine.get(number);
      if (entry) {
        addRow(entry.text, entry.label);
        added.push(entry.text);
      } else if (errorsByLine.has(number)) {
        const [, address, label] = line.trim().match(/^(\S+)\s*(.*)$/);
        addRow(address, label, errorsByLine.get(number));
        messages.push(...errorsByLine.get(number));
      }
    });
    // The box is emptied only if it still holds what was sent: whatever
    // the admin typed meanwhile stays.
    if (fromBox && newEntry.value === newText) newEntry.value = "";
    errorItems(newErrors, messages);
    if (added.length) announce.textContent = `${labels.labelAdded}: ${added.join(", ")}`;
    syncTextarea();
  }

  // ---- Which entries a wider one already covers ------------------------------
  // Addresses as numbers (BigInt, so IPv6 fits): [version, first, last].
  function span(text) {
    const [address, prefixText] = text.split("/");
    let version;
    let value = 0n;
    if (/^\d+(\.\d+){3}$/.test(address)) {
      version = 4;
      for (const part of address.split(".")) value = (value << 8n) + BigInt(part);
    } else if (address.includes(":")) {
      version = 6;
      const [head, tail = null] = address.split("::");
      const left = head ? head.split(":") : [];
      const right = tail ? tail.split(":") : [];
      if (right.some((part) => part.includes(".")) || left.some((part) => part.includes("."))) return null;
      const groups = tail === null ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
      if (groups.length !== 8) return null;
      for (const group of groups) value = (value << 16n) + BigInt(`0x${group || "0"}`);
    } else {
      return null;
    }
    const bits = version === 4 ? 32n : 128n;
    const prefix = prefixText === undefined ? bits : BigInt(prefixText);
    const size = 1n << (bits - prefix);
    const first = value - (value % size);
    return [version, first, first + size - 1n];
  }

  function covers(outer, inner) {
    return outer && inner && outer[0] === inner[0] && outer[1] <= inner[1] && inner[2] <= outer[2]
      && (outer[1] !== inner[1] || outer[2] !== inner[2]);
  }

  function markCovered() {
    const spans = rows().map((row) => [row, row.querySelector("input.address").value.trim()]);
    const known = spans.map(([row, text]) => [row, text, row.classList.contains("invalid") ? null : safeSpan(text)]);
    for (const [row, text, own] of known) {
      const wider = known.find(([other, , theirs]) => other !== row && covers(theirs, own));
      const note = row.querySelector("p.covered");
      note.hidden = !wider;
      note.textContent = wider ? labels.labelCovered.replace("ENTRY", text).replace("RANGE", wider[1]) : "";
    }
    if (addMine) {
      const mine = safeSpan(addMine.dataset.address);
      addMine.hidden = known.some(([, , theirs]) => theirs && mine && theirs[0] === mine[0] && theirs[1] <= mine[1] && mine[2] <= theirs[2]);
    }
  }

  function safeSpan(text) {
    try {
      return span(text);
    } catch {
      return null;
    }
  }

  newEntry.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (newEntry.value.trim()) check(newEntry.value, { fromBox: true });
    }
  });
  newEntry.addEventListener("paste", (event) => {
    const text = event.clipboardData.getData("text");
    if (/\r|\n/.test(text)) {
      event.preventDefault();
      check(text);
    }
  });
  if (addMine) addMine.addEventListener("click", () => check(addMine.dataset.address));

  for (const line of textarea.value.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") continue;
    const match = line.trim().match(/^(\S+)\s*(.*)$/);
    addRow(match[1], match[2]);
  }
  syncTextarea();
  if (field.dataset.hasErrors === "1") check("");

  // ---- After a Save ------------------------------------------------------------
  // The error summary (or the result beside Save) takes focus, so a screen
  // reader reads it and the keyboard starts from there.
  const summary = document.getElementById("security-summary");
  const result = document.getElementById("security-result");
  const tokenResult = document.getElementById("token-result");
  if (summary) {
    summary.focus();
    for (const link of summary.querySelectorAll("a[data-target]")) {
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        await checks;
        let target = document.getElementById(link.dataset.target);
        if (link.dataset.target === "id_allowed_addresses") {
          target = list.querySelector("li.entry.invalid input.address") || newEntry;
        }
        target.focus();
      });
    }
  } else if (result.textContent.trim()) {
    result.focus();
  } else if (tokenResult.textContent.trim()) {
    tokenResult.focus();
  }

  // The server refused a Save that needs the password (this page's estimate
  // was too kind, or the change weakens protection): ask now, then save again.
  if (form.dataset.sudoNeeded === "1") submitWhenReady(true);
}
