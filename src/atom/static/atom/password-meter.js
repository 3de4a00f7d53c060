// Counts a new password's characters as the person types ("12 / 15").
// Counted like the server counts: Unicode code points, the smaller of what
// was typed and its NFKC form ("ﬀ" is one, "é" is one however it was
// typed). The server stays the judge; this only saves a round trip.
for (const input of document.querySelectorAll("input[data-password-minimum]")) {
  const minimum = Number(input.dataset.passwordMinimum);
  const maximum = Number(input.dataset.passwordMaximum);
  const counter = document.createElement("p");
  counter.className = "counter";
  counter.id = `${input.id}-counter`;
  counter.setAttribute("aria-live", "polite");
  input.insertAdjacentElement("afterend", counter);
  input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());
  const update = () => {
    const length = Math.min([...input.value].length, [...input.value.normalize("NFKC")].length);
    counter.textContent = `${length} / ${minimum}`;
    counter.classList.toggle("enough", length >= minimum && length <= maximum);
    counter.classList.toggle("too-long", length > maximum);
  };
  input.addEventListener("input", update);
  update();
}
