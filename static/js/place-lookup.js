// Suggest places while typing in any input marked data-place-lookup. Picking a suggestion also
// fills the field's hidden <name>_id input, so the server takes exactly the place chosen (two
// villages may share a name); typing anything else clears it. Without JavaScript the server
// still resolves what was typed, typos forgiven, so this only saves keystrokes.
(function (lookupUrl) {
  "use strict";
  document.querySelectorAll("input[data-place-lookup]").forEach(function (input, index) {
    var chosen = input.form ? input.form.elements.namedItem(input.name + "_id") : null;
    var list = document.createElement("datalist");
    list.id = "place-options-" + index;
    input.setAttribute("list", list.id);
    input.after(list);
    var timer = null;
    var lastQuery = "";
    // Label -> place id of every suggestion shown so far (and of the place already chosen).
    var known = Object.create(null);
    if (chosen && chosen.value) { known[input.value.trim()] = chosen.value; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      var id = known[query];
      if (chosen) { chosen.value = id || ""; }
      if (id || query.length < 2 || query === lastQuery) { return; }
      timer = setTimeout(function () {
        lastQuery = query;
        fetch(lookupUrl + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (places) {
            list.replaceChildren.apply(list, places.map(function (place) {
              known[place.label] = String(place.id);
              var option = document.createElement("option");
              option.value = place.label;
              return option;
            }));
            // The text may have become a label while the answer was on its way.
            if (chosen) { chosen.value = known[input.value.trim()] || ""; }
          })
          .catch(function () { /* suggestions are a convenience; typing still works */ });
      }, 200);
    });
  });
})(document.currentScript.dataset.lookupUrl);
