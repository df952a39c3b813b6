// Depot's small page behaviours. No inline script anywhere (the CSP forbids it).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// The phone's menu (a <details>) closes on Escape and on a tap outside it, as menus do; it works without this too.
document.addEventListener("click", (event) => {
  const menu = document.getElementById("menu");
  if (menu && menu.open && !menu.contains(event.target)) {
    menu.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  const menu = document.getElementById("menu");
  if (event.key === "Escape" && menu && menu.open) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
