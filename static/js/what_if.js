// What-if sliders: show each weight next to its label as it moves.
(function () {
  "use strict";
  document.querySelectorAll("#what-if-form input[type=range]").forEach(function (input) {
    var output = document.querySelector('output[for="' + input.id + '"]');
    if (!output) return;
    input.addEventListener("input", function () { output.textContent = input.value; });
  });
})();
