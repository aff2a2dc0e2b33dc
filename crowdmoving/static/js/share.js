// Sharing (reach/_share.html, reach/poster.html), progressive: without this file every share
// link works, the address stays selectable in its field, and the poster prints from the
// browser's menu. With it: the phone's own share sheet (Web Share API) where there is one and
// the poster's Print button. The "Copy link" button is copy.js's.
// Nothing here talks to anyone but the browser.
(function () {
  "use strict";

  function setUpNativeShare(button) {
    if (typeof navigator.share !== "function") {
      return; // stays hidden: the links below do the job
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator
        .share({
          title: button.getAttribute("data-share-title"),
          text: button.getAttribute("data-share-text"),
          url: button.getAttribute("data-share-url"),
        })
        .catch(function () {
          // Closing the share sheet rejects too: nothing to tell.
        });
    });
  }

  function setUpPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }

  function start() {
    var i;
    var shares = document.querySelectorAll(".share-native");
    for (i = 0; i < shares.length; i += 1) {
      setUpNativeShare(shares[i]);
    }
    var prints = document.querySelectorAll(".poster-print");
    for (i = 0; i < prints.length; i += 1) {
      setUpPrint(prints[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
