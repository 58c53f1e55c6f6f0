// Keyboard shortcuts for editors. Run view: j/k select next/previous flag, Enter opens it.
// Flag view: j/k next/previous flag, a accept, r reject, e edit the correction, caret at its end (Ctrl+Enter submits it).
// A decision button is disabled once pressed, so a key pressed twice sends one decision.
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function runPage() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#flag-list .flag-row"));
    var current = -1;
    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) { row.classList.toggle("selected", i === current); });
      var id = rows[current].getAttribute("data-flag");
      document.querySelectorAll("#article mark").forEach(function (mark) {
        var ids = (mark.getAttribute("data-flags") || "").split(" ");
        mark.classList.toggle("current", ids.indexOf(id) !== -1);
      });
      var first = document.querySelector("#article mark.current");
      (first || rows[current]).scrollIntoView({ block: "center" });
      rows[current].querySelector("a").focus({ preventScroll: true });
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { select(current + 1); event.preventDefault(); }
      else if (event.key === "k") { select(current - 1); event.preventDefault(); }
      else if (event.key === "Enter" && current >= 0 && document.activeElement === document.body) {
        window.location.href = rows[current].querySelector("a").href;
      }
    });
    document.querySelectorAll("#article mark").forEach(function (mark) {
      mark.addEventListener("click", function () {
        var id = (mark.getAttribute("data-flags") || "").split(" ")[0];
        var index = rows.findIndex(function (row) { return row.getAttribute("data-flag") === id; });
        if (index !== -1) select(index);
      });
    });
  }

  function flagPage() {
    var form = document.getElementById("decision-form");
    var sent = false;
    function click(id) { var el = document.getElementById(id); if (el && !sent) el.click(); }
    if (form) form.addEventListener("submit", function () { sent = true; });
    var correction = document.getElementById("correction");
    if (correction) {
      // After `e`, Ctrl+Enter submits the edited text as a correction.
      correction.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); click("correct"); }
      });
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      var handled = true;
      switch (event.key) {
        case "j": click("next-flag"); break;
        case "k": click("prev-flag"); break;
        case "a": click("accept"); break;
        case "r": click("reject"); break;
        case "e":
          // Keep the suggested text: put the caret at its end instead of selecting (and so replacing) it.
          var box = document.getElementById("correction");
          if (box) { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }
          break;
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    if (page === "run") runPage();
    if (page === "flag") flagPage();
  });
})();
