// Every console page: the phone menu and tables that reflow.
//
// Menu: on a narrow screen the parts named by [data-menu-part] (the
// navigation, the account links, the language switch) fold behind the
// [data-menu-button]; Escape folds them again. Without JavaScript, or on a
// wide screen, they all stay in view. Until this script runs, the
// stylesheet keeps them folded on a phone, so an open menu never flashes.
//
// Tables: on a narrow screen the stylesheet stacks each row's cells; each
// cell gets its column's name in data-label to show before it.
const narrow = window.matchMedia("(max-width: 47.99rem)");
const button = document.querySelector("[data-menu-button]");
const parts = [...document.querySelectorAll("[data-menu-part]")];

function showMenu(open) {
  button.setAttribute("aria-expanded", String(open));
  for (const part of parts) part.hidden = narrow.matches && !open;
}

if (button) {
  const layout = () => {
    button.hidden = !narrow.matches;
    showMenu(false);
  };
  button.addEventListener("click", () => showMenu(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || button.hidden || button.getAttribute("aria-expanded") !== "true") return;
    showMenu(false);
    button.focus();
  });
  narrow.addEventListener("change", layout);
  layout();
}
// The stylesheet kept the menu folded until now (layout.css).
document.documentElement.dataset.menuReady = "";

for (const table of document.querySelectorAll("table.list")) {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.cells].forEach((cell, index) => {
      if (names[index] && cell.colSpan === 1) cell.dataset.label = names[index];
    });
  }
}
