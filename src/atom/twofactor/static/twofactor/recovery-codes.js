// Recovery codes: a Copy button (the codes stay selectable without it).
const button = document.getElementById("copy-codes");
const status = document.getElementById("copy-status");

if (button && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const codes = [...document.querySelectorAll("#recovery-codes code")].map((code) => code.textContent);
    await navigator.clipboard.writeText(codes.join("\n") + "\n");
    status.textContent = button.dataset.copied;
  });
}
