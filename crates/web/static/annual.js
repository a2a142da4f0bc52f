// The annual report editor: "插入到光标处" puts the placeholder chosen in the list into the
// section's text at the cursor. Without JavaScript the buttons stay hidden and the list is
// a reference to copy from (the CSP allows only same-origin scripts like this one).
document.querySelectorAll("button[data-insert]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    var area = document.getElementById(b.dataset.insert);
    var pick = document.getElementById(b.dataset.from);
    if (!area || !pick || !pick.value) return;
    var text = "{{" + pick.value + "}}";
    var at = area.selectionStart == null ? area.value.length : area.selectionStart;
    var end = area.selectionEnd == null ? at : area.selectionEnd;
    area.value = area.value.slice(0, at) + text + area.value.slice(end);
    area.focus();
    area.selectionStart = area.selectionEnd = at + text.length;
  });
});
