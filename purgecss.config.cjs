// `make css`: Bootstrap's CSS cut down to the rules that the templates, the Python code (form
// widgets, labels) and our scripts can produce. The Makefile passes Bootstrap-Flask's
// bootstrap.min.css as --css, so the Bootstrap version stays pinned by the Python package.
module.exports = {
  content: ["templates/**/*.html", "portal/**/*.py", "static/js/*.js"],
  // Unused @keyframes (spinners, progress bars) go too; custom properties all stay, since
  // Bootstrap's rules read them through var() (the `variables` option stays off).
  keyframes: true,
  // Attributes that form widgets, the browser or our scripts set without the word appearing in
  // the sources, e.g. WTForms writes type="checkbox" and the checkbox tick hangs on it.
  dynamicAttributes: ["type", "role", "hidden", "disabled", "readonly", "multiple", "size",
    "data-bs-theme", "aria-expanded", "aria-current", "aria-disabled"],
  safelist: {
    standard: [
      // Elements that WTForms renders, so their names need not appear in our sources. (Only
      // names that are no Bootstrap class: a plain string here also keeps a class of that name.)
      "input", "select", "textarea", "option", "optgroup", "label", "button", "fieldset", "legend",
      // Classes put together in templates or toggled by scripts: text-bg-{{ status_style }},
      // alert-{{ category }}, buttons, field states, the navbar collapse.
      /^text-bg-/, /^alert-/, /^btn-/, "is-invalid", "is-valid", "show", "collapsing", "active",
      "disabled",
    ],
  },
};
