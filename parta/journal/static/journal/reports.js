// «Печать» on the report pages: the browser's print dialog (the print styles are in reports.css).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
