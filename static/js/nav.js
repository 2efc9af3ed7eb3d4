// The navbar's menu on narrow screens: all the Bootstrap JavaScript the portal needs, instead of
// its 80 KB bundle. Without JavaScript the menu stays open (css/nav-noscript.css).
(function () {
  "use strict";
  document.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    function setOpen(open) {
      menu.classList.toggle("show", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      setOpen(!menu.classList.contains("show"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.classList.contains("show")) { return; }
      // Only take the focus back when it would otherwise vanish with the closing menu.
      var focusInMenu = menu.contains(document.activeElement);
      setOpen(false);
      if (focusInMenu) { button.focus(); }
    });
  });
})();
