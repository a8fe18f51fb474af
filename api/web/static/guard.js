// htmx acts only for elements the server's own templates wrote: each carries this browser's token in
// data-hx-token, which no stored text can know. A request from any other element (text someone stored
// that became markup on another person's page) is cancelled before it is sent. Listens in the capture
// phase, so nothing on the page can stop it first.
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector('meta[name="bemanna-token"]');
    return meta ? meta.getAttribute("content") : null;
  }
  document.addEventListener("htmx:confirm", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    var expected = token();
    if (!expected || !elt || !elt.getAttribute || elt.getAttribute("data-hx-token") !== expected) {
      evt.preventDefault();
      if (window.console) { console.warn("htmx request refused: the element did not come from this page's templates"); }
    }
  }, true);
})();
