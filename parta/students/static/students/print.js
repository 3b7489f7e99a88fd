// «Печать» on the login sheet (no inline scripts: STYLE.md §7).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
