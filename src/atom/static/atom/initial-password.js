// Add user: the initial password, which the admin reads out or sends to
// the new user, can be generated and shown. The user must change it at
// first log-in; the server still checks it against the company's rules.
// Without JavaScript the buttons stay hidden and the admin types one.

// No 0/O, 1/l/I: read aloud or copied by hand without mistakes.
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

function randomPassword(minimum) {
  // Groups of four joined by "-", at least `minimum` characters in all.
  const groups = Math.max(4, Math.ceil((minimum + 1) / 5));
  const picks = new Uint32Array(groups * 4);
  crypto.getRandomValues(picks);
  // 2^32 is a multiple of 32: every character is equally likely.
  const chars = [...picks].map((n) => ALPHABET[n % ALPHABET.length]).join("");
  return chars.match(/.{4}/g).join("-");
}

for (const tools of document.querySelectorAll("[data-password-tools]")) {
  const input = document.getElementById(tools.dataset.passwordTools);
  if (!input) continue;
  const show = tools.querySelector('[data-action="show-password"]');
  const generate = tools.querySelector('[data-action="generate-password"]');
  const reveal = (shown) => {
    input.type = shown ? "text" : "password";
    show.setAttribute("aria-pressed", String(shown));
  };
  input.insertAdjacentElement("afterend", tools);
  tools.hidden = false;
  show.addEventListener("click", () => reveal(input.type === "password"));
  generate.addEventListener("click", () => {
    input.value = randomPassword(Number(input.dataset.passwordMinimum) || 15);
    // The character counter (password-meter.js) follows the new value.
    input.dispatchEvent(new Event("input", { bubbles: true }));
    reveal(true);
  });
}
