// Assessments: the candidate's countdown (the server keeps the real clock; this only
// shows it), the report's playback slider over draft snapshots.
(function () {
  "use strict";
  const left = document.getElementById("time-left");
  if (left) {
    const end = Date.now() + Number(left.dataset.seconds) * 1000;
    const tick = () => {
      const s = Math.max(0, Math.round((end - Date.now()) / 1000));
      left.textContent = Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
      if (s === 0) { location.reload(); return; }
      setTimeout(tick, 1000);
    };
    tick();
  }
  document.querySelectorAll(".playback").forEach((pb) => {
    const slider = pb.querySelector(".pb-slider"), out = pb.querySelector(".pb-at");
    const items = pb.querySelectorAll(".snapshots > li");
    const show = () => {
      const i = Number(slider.value) - 1;
      items.forEach((li, j) => { li.hidden = j !== i; });
      out.textContent = (i + 1) + "/" + items.length + " · " + (items[i] ? items[i].dataset.at : "");
    };
    slider.addEventListener("input", show);
    show();
  });
})();
