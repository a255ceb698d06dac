// The print view's "In trang này" button; everything else works without script.
document.querySelectorAll(".print-button").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
