// The signing page's signature pad: a finger (or a mouse) draws on the canvas through pointer
// events; on submit the drawing goes with the form as a PNG data URL. No framework needed.
(function () {
  "use strict";
  var pad = document.getElementById("pad");
  var form = document.getElementById("sign-form");
  if (!pad || !form) { return; }
  var ctx = pad.getContext("2d");
  var field = document.getElementById("signature");
  var hint = document.getElementById("pad-hint");
  var drawing = false, drawn = false, last = null;

  ctx.lineWidth = 4;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#111";

  function point(event) {
    // The canvas keeps its own 600×220 pixels whatever size the phone shows it at.
    var box = pad.getBoundingClientRect();
    return { x: (event.clientX - box.left) * pad.width / box.width,
             y: (event.clientY - box.top) * pad.height / box.height };
  }

  var hintText = hint.textContent;

  pad.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    if (pad.setPointerCapture) { pad.setPointerCapture(event.pointerId); }
    drawing = true;
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
  });
  pad.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    if (!drawn && hint.className === "error-text") {  // the complaint no longer applies
      hint.textContent = hintText;
      hint.className = "muted";
    }
    drawn = true;
    pad.classList.add("signed");
  });
  function stop() { drawing = false; last = null; }
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  pad.addEventListener("pointerleave", stop);

  document.getElementById("clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height);
    drawn = false;
    field.value = "";
    pad.classList.remove("signed");
  });

  form.addEventListener("submit", function (event) {
    if (!drawn) {
      event.preventDefault();
      hint.textContent = "还没有签名：请先用手指在方框里写下您的名字。";
      hint.className = "error-text";
      pad.scrollIntoView({ block: "center" });
      return;
    }
    field.value = pad.toDataURL("image/png");
  });
})();
