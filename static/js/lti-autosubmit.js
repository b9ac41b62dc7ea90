/* Deep linking: send the signed choice back to the platform without a second click
   (the page shows a button for browsers without JavaScript). No inline script: CSP. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
}());
