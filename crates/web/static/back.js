// "返回上一页" on error pages: an inline javascript: link is blocked by the CSP, so the
// link points to the home page and this script (same origin, allowed) goes back instead
// when there is a page to go back to.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-back]");
  if (a && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});
