// The Flows pages: Copy buttons for the webhook URL and the curl example.
// Without JavaScript the buttons stay hidden and the read-only fields can
// still be selected and copied by hand.

async function writeClipboard(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    // Outside a secure context there is no Clipboard API: select and copy.
    field.select();
    return document.execCommand("copy");
  }
}

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    if (!(await writeClipboard(field))) return;
    const label = button.textContent;
    button.textContent = button.dataset.labelCopied;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}
