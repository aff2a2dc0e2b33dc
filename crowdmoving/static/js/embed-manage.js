// The code to copy for embedding a project (projects/embed/settings.html and the project
// dashboard): a "Copy code" button beside each readonly field. Without this file (or without
// clipboard access) the field still works: it selects its whole text when it gets the focus,
// ready for Ctrl+C.
(function () {
  "use strict";

  function setUp(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var status = button.parentNode.querySelector(".copy-status");
    field.addEventListener("focus", function () {
      field.select();
    });
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var done = function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied");
        }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          field.select(); // no clipboard access: the text is selected for Ctrl+C
        });
      } else {
        field.select();
      }
    });
    button.hidden = false;
  }

  function start() {
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i += 1) {
      setUp(buttons[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
