// Small behaviours the templates ask for with data-* attributes. The Content-Security-Policy
// allows no inline handlers (onchange="…"), so they are bound here, once, by delegation —
// which also covers content htmx swaps in later.
//   data-autosubmit        on a select: submit its form when the choice changes
//   data-set-form-action   on a select: the chosen value becomes its form's action
//   data-print             on a button: print the page
//   data-confirm="…"       on a form: ask before submitting
// and one htmx rule: a 429 (too many searches) is swapped in like a result — its body is the
// message saying how long to wait — instead of being dropped as an error.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (!(el instanceof Element) || !el.form) return;
    if (el.matches("[data-set-form-action]")) el.form.action = el.value;
    if (el.matches("[data-autosubmit]")) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    const el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (!el) return;
    event.preventDefault();
    window.print();
  });
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
})();
