// The contact form's "0 of 350" counter (progressive: without this file the form works the
// same and the server enforces the limit). The visible number follows every keystroke; screen
// readers hear it through a polite live region once typing pauses, not at every letter.
(function () {
  "use strict";

  var SPEAK_AFTER_MS = 800;

  function setUp(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) {
      return;
    }
    var max = parseInt(counter.getAttribute("data-max"), 10);
    var pattern = counter.getAttribute("data-pattern");
    var shown = counter.querySelector(".char-counter-shown");
    var spoken = counter.querySelector(".char-counter-spoken");
    var timer = null;

    function text() {
      return pattern.replace("{used}", String(field.value.length));
    }

    function update() {
      shown.textContent = text();
      counter.classList.toggle("over", field.value.length > max);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        spoken.textContent = text();
      }, SPEAK_AFTER_MS);
    }

    field.addEventListener("input", update);
    shown.textContent = text();
    counter.hidden = false;
  }

  function start() {
    var counters = document.querySelectorAll("[data-counter-for]");
    for (var i = 0; i < counters.length; i += 1) {
      setUp(counters[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
