// "Use my phone's location" on the registration form: fills latitude and longitude (progressive:
// without scripts, or without permission, the person types them).
(function () {
  "use strict";
  var button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (where) {
      document.getElementById("home_lat").value = where.coords.latitude.toFixed(4);
      document.getElementById("home_lon").value = where.coords.longitude.toFixed(4);
    });
  });
})();
