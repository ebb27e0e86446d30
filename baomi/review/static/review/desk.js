// The review desk: a ticked finding is marked in the text, and words selected in the text are
// added to the spans to cut, as offsets in characters (code points, as the server counts).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  function length(text) { return Array.from(text).length; }
  function offsetIn(root, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(root);
    range.setEnd(node, offset);
    return length(range.toString());
  }
  ready(function () {
    var text = document.getElementById("manuscript-text");
    var button = document.getElementById("cut-selection");
    var spans = document.getElementById("spans");
    document.querySelectorAll("input[name=cut][data-finding]").forEach(function (box) {
      function mark() {
        text.querySelectorAll("mark[data-findings]").forEach(function (m) {
          if (m.dataset.findings.split(" ").indexOf(box.dataset.finding) >= 0) {
            m.classList.toggle("chosen", box.checked);
          }
        });
      }
      box.addEventListener("change", mark);
      if (box.checked) mark();
    });
    if (!text || !button || !spans) return;
    function selected() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
      var range = selection.getRangeAt(0);
      if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
      var start = offsetIn(text, range.startContainer, range.startOffset);
      var end = offsetIn(text, range.endContainer, range.endOffset);
      return end > start ? [start, end] : null;
    }
    document.addEventListener("selectionchange", function () { button.disabled = !selected(); });
    button.addEventListener("click", function () {
      var span = selected();
      if (!span) return;
      var typed = spans.value.trim();
      spans.value = (typed ? typed + ", " : "") + span[0] + "-" + span[1];
      window.getSelection().removeAllRanges();
      button.disabled = true;
    });
  });
})();
