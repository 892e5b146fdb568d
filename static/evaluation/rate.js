// The citizen's rating link carries its code after "#", which browsers never send to the
// server. Move it into the form's code field, wipe it from the address bar and history,
// and post it: the code reaches the server only in a POST body, never in a logged URL.
(function () {
  "use strict";
  var code = window.location.hash.replace(/^#/, "");
  if (!code) {
    return;
  }
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  var form = document.querySelector("form[data-rate-code]");
  var field = form && form.querySelector("input[name=code]");
  if (!field) {
    return;
  }
  try {
    code = decodeURIComponent(code);
  } catch (error) {
    return;
  }
  field.value = code.replace(/[^0-9A-Za-z-]/g, "").slice(0, 20);
  if (field.value) {
    form.submit();
  }
})();
