// "Copy" buttons, progressive: a button with data-copy="<id>" is hidden until this file runs,
// then copies the text of that element (a field's value, or an element's text such as the
// two-factor key) and says so in its status line (data-copy-status="<id>", else the nearest
// ".copy-status" in the button's parent). Without clipboard access the text is selected
// instead, for Ctrl+C, and the status says so (data-select). A field or a code block also
// selects its whole text when it gets the focus or a click, so it works without this file's
// button too. Used by the share block, the embedding code and the two-factor set-up.
(function () {
  "use strict";

  function isField(element) {
    return typeof element.select === "function" && "value" in element;
  }

  function textOf(element) {
    return isField(element) ? element.value : element.textContent.trim();
  }

  function selectWhole(element) {
    if (isField(element)) {
      element.focus();
      element.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function statusFor(button) {
    var id = button.getAttribute("data-copy-status");
    if (id) {
      return document.getElementById(id);
    }
    return button.parentNode.querySelector(".copy-status");
  }

  function setUp(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var status = statusFor(button);

    function say(attribute) {
      var message = button.getAttribute(attribute);
      if (status && message) {
        status.textContent = message;
      }
    }

    function fallBack() {
      selectWhole(source);
      say("data-select");
    }

    source.addEventListener(isField(source) ? "focus" : "click", function () {
      selectWhole(source);
    });
    button.addEventListener("click", function () {
      if (!navigator.clipboard || typeof navigator.clipboard.writeText !== "function") {
        fallBack();
        return;
      }
      navigator.clipboard.writeText(textOf(source)).then(function () {
        say("data-copied");
      }, fallBack);
    });
    button.hidden = false;
  }

  function start() {
    var buttons = document.querySelectorAll("button[data-copy]");
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
