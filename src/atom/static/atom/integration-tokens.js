// The Integration tokens page: Copy for a token shown once. Without this
// module the token is still on the page, selectable, and nothing else
// depends on it.

const copy = document.querySelector("[data-action=copy-new-token]");
const field = document.getElementById("new-token");
const status = document.getElementById("copy-status");

async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Outside a secure context there is no Clipboard API: select and copy.
    field.select();
    return document.execCommand("copy");
  }
}

if (copy && field) {
  copy.hidden = false;
  field.focus();
  field.select();
  copy.addEventListener("click", async () => {
    const ok = await writeClipboard(field.value);
    status.textContent = ok ? copy.dataset.labelCopied : "";
  });
}
