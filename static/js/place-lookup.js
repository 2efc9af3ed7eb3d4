// Suggest places while typing in any input marked data-place-lookup. Without JavaScript the
// server still resolves what was typed, typos forgiven, so this only saves keystrokes.
(function (lookupUrl) {
  "use strict";
  document.querySelectorAll("input[data-place-lookup]").forEach(function (input, index) {
    var list = document.createElement("datalist");
    list.id = "place-options-" + index;
    input.setAttribute("list", list.id);
    input.after(list);
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) { return; }
      timer = setTimeout(function () {
        lastQuery = query;
        fetch(lookupUrl + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (places) {
            list.replaceChildren.apply(list, places.map(function (place) {
              var option = document.createElement("option");
              option.value = place.label;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }, 200);
    });
  });
})(document.currentScript.dataset.lookupUrl);
