// The admin queue's keyboard shortcuts and select-all. Everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("queue-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-row]"));
  var current = -1;
  var all = form.querySelector("[data-select-all]");
  var help = document.getElementById("help");
  var helpButton = form.querySelector("[data-help]");

  function picks() { return form.querySelectorAll("[data-pick]"); }
  function move(to) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows[current].classList.add("current");
    rows[current].focus();
  }
  function toggleHelp() {
    help.hidden = !help.hidden;
    helpButton.setAttribute("aria-expanded", String(!help.hidden));
  }
  function act(action) {
    var chosen = Array.prototype.some.call(picks(), function (box) { return box.checked; });
    if (!chosen && current >= 0) rows[current].querySelector("[data-pick]").checked = true;
    var button = form.querySelector('.bulk button[value="' + action + '"]');
    if (button) form.requestSubmit(button);
  }
  if (all) all.addEventListener("change", function () {
    Array.prototype.forEach.call(picks(), function (box) { box.checked = all.checked; });
  });
  if (helpButton) helpButton.addEventListener("click", toggleHelp);
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) && t.type !== "checkbox") return;
    var keys = {};
    Array.prototype.forEach.call(form.querySelectorAll(".bulk button[data-key]"), function (b) {
      if (b.dataset.key) keys[b.dataset.key] = b.value;
    });
    if (event.key === "j") move(current + 1);
    else if (event.key === "k") move(current - 1);
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("[data-pick]");
      box.checked = !box.checked;
    } else if (keys[event.key]) act(keys[event.key]);
    else if (event.key === "?") toggleHelp();
    else return;
    event.preventDefault();
  });
})();
