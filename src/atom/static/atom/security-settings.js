// The Security Settings section: the API token's eye, Copy and Generate
// buttons, the Allowed IP Addresses entries, and the password prompt that
// guards the token. Without this module the section still works as a plain
// form (the list is a textarea, one address per line); the server checks
// everything again on Save.

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

  // ---- API Token -----------------------------------------------------------
  const tokenInput = document.getElementById("api-token");
  const toggle = form.querySelector("[data-action=toggle-token]");
  const copy = form.querySelector("[data-action=copy-token]");
  const generate = form.querySelector("[data-action=generate-token]");
  const pendingId = document.getElementById("pending-token-id");
  const pendingNotice = document.getElementById("pending-token-notice");
  const tokenStatus = document.getElementById("token-status");
  let masked = tokenInput.value;
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
    masked = result.payload.masked;
    tokenInput.dataset.which = "pending";
    tokenInput.dataset.tokenId = String(result.payload.id);
    pendingId.value = String(result.payload.id);
    setShown(false);
    pendingNotice.hidden = false;
  });

  // Leaving without saving discards the new token.
  window.addEventListener("pagehide", () => {
    if (pendingId.value && !submitting) {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(form.dataset.discardUrl, data);
    }
  });

  // Addresses entered with Enter join the list when their check answers;
  // Save waits for those answers, and for the password when the new token
  // needs it, before it sends the form.
  async function submitWhenReady(needsPassword) {
    await checks;
    if (needsPassword && !(await askPassword())) return;
    syncTextarea({ withTyped: true });
    submitting = true;
    form.submit();
  }

  form.addEventListener("submit", (event) => {
    const needsPassword = Boolean(pendingId.value) && Date.now() > sudoUntil;
    if (needsPassword || checksWaiting > 0) {
      event.preventDefault();
      submitWhenReady(needsPassword);
      return;
    }
    syncTextarea({ withTyped: true });
    submitting = true;
  });

  // ---- Allowed IP Addresses ------------------------------------------------
  const textarea = form.querySelector("textarea[name=allowed_addresses]");
  const list = document.getElementById("allowlist-entries");
  const newEntry = document.getElementById("allowlist-new");
  const newErrors = document.getElementById("allowlist-new-errors");
  const emptyNote = document.getElementById("allowlist-empty-note");
  const field = document.getElementById("allowlist-field");
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

  function addRow(address, label) {
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
    remove.addEventListener("click", () => {
      row.remove();
      syncTextarea();
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
    row.append(addressInput, labelInput, remove, errors);
    list.append(row);
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
      const messages = errorsByLine.get(index + 1) || [];
      row.classList.toggle("invalid", messages.length > 0);
      errorItems(row.querySelector("ul.errors"), messages);
    });
    const kept = [];
    const messages = [...payload.notices];
    // A typed line that is wrong stays in the box to be fixed; pasted
    // lines that are wrong become entries marked with their message.
    const pasted = newLines.length > 1;
    newLines.forEach((line, offset) => {
      const number = existing.length + offset + 1;
      const entry = byLine.get(number);
      if (entry) {
        addRow(entry.text, entry.label);
      } else if (errorsByLine.has(number) && pasted) {
        const [, address, label] = line.trim().match(/^(\S+)\s*(.*)$/);
        const row = addRow(address, label);
        row.classList.add("invalid");
        errorItems(row.querySelector("ul.errors"), errorsByLine.get(number));
      } else if (errorsByLine.has(number)) {
        kept.push(line);
        messages.push(...errorsByLine.get(number));
      }
    });
    // The box is emptied only if it still holds what was sent: whatever
    // the admin typed meanwhile stays.
    if (fromBox && newEntry.value === newText) {
      newEntry.value = kept.join("");
      newEntry.setAttribute("aria-invalid", String(kept.length > 0));
    }
    errorItems(newErrors, messages);
    syncTextarea();
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
  const addMine = field.querySelector("[data-action=add-my-address]");
  if (addMine) addMine.addEventListener("click", () => check(addMine.dataset.address));

  for (const line of textarea.value.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") continue;
    const match = line.trim().match(/^(\S+)\s*(.*)$/);
    addRow(match[1], match[2]);
  }
  syncTextarea();
  if (field.classList.contains("invalid")) check("");

  // The server refused a Save because the password is older than 15
  // minutes (this page's estimate was too kind): ask now, then save again.
  if (form.dataset.sudoNeeded === "1") submitWhenReady(true);
}
