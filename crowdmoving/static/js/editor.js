// The guided project editor (projects/manage/project_form.html), progressive: without this
// file the "use the activating structure" button sends the form and the server fills the
// story. With it, the button fills an empty story in place (nothing is sent), selects the
// first hint to type over, and tells the live checklist (htmx listens to "input").
(function () {
  "use strict";

  function firstHint(text) {
    var start = text.indexOf("(");
    var end = start >= 0 ? text.indexOf(")", start) : -1;
    return start >= 0 && end > start ? [start, end + 1] : [0, 0];
  }

  function setUp(button) {
    var story = document.getElementById("id_story");
    var note = document.getElementById("structure-note");
    if (!story) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (story.value.trim() !== "") {
        if (note) {
          note.textContent = note.getAttribute("data-not-empty");
        }
        story.focus();
        return;
      }
      story.value = button.getAttribute("data-story-skeleton");
      story.dispatchEvent(new Event("input", { bubbles: true }));
      if (note) {
        note.textContent = note.getAttribute("data-filled");
      }
      var hint = firstHint(story.value);
      story.focus();
      story.setSelectionRange(hint[0], hint[1]);
    });
  }

  function start() {
    var buttons = document.querySelectorAll("[data-story-skeleton]");
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
